using Fdt.Protocol;
using Microsoft.AspNetCore.Http;

namespace Fdt.Edge.Errors;

/// <summary>An error the edge answers a visitor with, identified by a stable code.</summary>
public sealed record EdgeError(int Status, string Code, string Title, string Description)
{
    public static EdgeError TunnelNotFound { get; } = new(
        StatusCodes.Status404NotFound,
        ErrorCodes.TunnelNotFound,
        "Tunnel not found",
        "No tunnel is running at this address. If it is yours, start it again with `fdt http` and the same name.");

    public static EdgeError AgentUnavailable { get; } = new(
        StatusCodes.Status502BadGateway,
        ErrorCodes.AgentUnavailable,
        "The tunnel's agent is not connected",
        "The tunnel exists but its agent went away before answering. It may be reconnecting; try again in a few seconds.");

    public static EdgeError AgentOffline { get; } = new(
        StatusCodes.Status502BadGateway,
        ErrorCodes.AgentUnavailable,
        "The tunnel's agent is offline",
        "The agent serving this address lost its connection and has not come back yet. Its name is held for it; try again shortly.");

    public static EdgeError LocalServiceUnavailable { get; } = new(
        StatusCodes.Status502BadGateway,
        ErrorCodes.LocalServiceUnavailable,
        "The local service is not reachable",
        "The agent is connected but could not reach the service it forwards to. Check that the service is running.");

    public static EdgeError UpstreamTimeout { get; } = new(
        StatusCodes.Status504GatewayTimeout,
        ErrorCodes.UpstreamTimeout,
        "The local service did not answer in time",
        "The agent reached the local service, but it sent no response before the edge's timeout.");

    public static EdgeError InvalidUpstreamResponse { get; } = new(
        StatusCodes.Status502BadGateway,
        ErrorCodes.InvalidUpstreamResponse,
        "The local service sent an invalid response",
        "The local service closed the connection or answered with something that is not valid HTTP.");

    public static EdgeError BadRequest { get; } = new(
        StatusCodes.Status400BadRequest,
        ErrorCodes.BadRequest,
        "Bad request",
        "The request could not be forwarded.");

    public static EdgeError AuthenticationRequired { get; } = new(
        StatusCodes.Status401Unauthorized,
        ErrorCodes.AuthenticationRequired,
        "Sign-in required",
        "This tunnel is protected with a user name and password.");

    public static EdgeError AddressDenied { get; } = new(
        StatusCodes.Status403Forbidden,
        ErrorCodes.AddressDenied,
        "Access denied",
        "The tunnel's owner does not admit visitors from your address.");

    public static EdgeError BodyTooLarge { get; } = new(
        StatusCodes.Status413PayloadTooLarge,
        ErrorCodes.BodyTooLarge,
        "Request too large",
        "The request body is larger than this tunnel accepts.");

    public static EdgeError RateLimited { get; } = new(
        StatusCodes.Status429TooManyRequests,
        ErrorCodes.RateLimited,
        "Too many requests",
        "You sent more requests than this tunnel accepts in a given time. Wait a moment and try again.");

    public static EdgeError TooManyConcurrentRequests { get; } = new(
        StatusCodes.Status503ServiceUnavailable,
        ErrorCodes.TooManyConcurrentRequests,
        "The tunnel is busy",
        "This tunnel is already handling as many requests as its owner allows. Try again shortly.");

    public static EdgeError WebhookVerificationFailed { get; } = new(
        StatusCodes.Status403Forbidden,
        ErrorCodes.WebhookVerificationFailed,
        "Webhook signature rejected",
        "The request's webhook signature is missing, does not match the tunnel's secret, or is too old.");

    public static EdgeError CircuitOpen { get; } = new(
        StatusCodes.Status503ServiceUnavailable,
        ErrorCodes.CircuitOpen,
        "The local service is failing",
        "The service behind this tunnel failed several times in a row, so the edge is holding requests back for a short while. Try again shortly.");

    public static EdgeError RequestTimeout { get; } = new(
        StatusCodes.Status504GatewayTimeout,
        ErrorCodes.RequestTimeout,
        "The local service did not answer in time",
        "The service behind this tunnel did not answer within the tunnel's request timeout.");

    /// <summary>The same error with a more specific description.</summary>
    public EdgeError WithDescription(string description) => this with { Description = description };
}
