using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fdt.Protocol;

namespace Fdt.Agent;

/// <summary>
/// Turns the long-lived authtoken into what the edge accepts. With a control plane the agent
/// exchanges it (<c>POST /v1/agent/token</c>) for a short-lived signed agent token that the edge
/// verifies offline; the token is reused across reconnects until shortly before it expires. A
/// server without a control plane (edge role alone, development) answers 404 and takes the
/// authtoken itself.
/// </summary>
internal sealed class AgentCredentials(AgentOptions options, HttpMessageInvoker invoker)
{
    /// <summary>The path of the exchange on the server.</summary>
    public const string ExchangePath = "/v1/agent/token";

    private const int MaxResponseBytes = 64 * 1024;
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);

    private string? _cached;
    private DateTimeOffset _cachedUntil;

    /// <summary>The credential for the next hello, and whether it was just obtained (not reused from an earlier connection).</summary>
    /// <exception cref="AgentException">The server refused the authtoken (revoked or unknown).</exception>
    /// <exception cref="HttpRequestException">The server could not be reached (transient).</exception>
    public async Task<(string Credential, bool Fresh)> GetAsync(CancellationToken cancellationToken)
    {
        if (_cached is not null && options.TimeProvider.GetUtcNow() < _cachedUntil)
        {
            return (_cached, false);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, ExchangeUri(options.ServerUrl));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Authtoken);
        request.Headers.TryAddWithoutValidation("User-Agent", $"fdt/{options.AgentVersion}");
        request.Content = new ByteArrayContent([]);
        using var response = await invoker.SendAsync(request, cancellationToken);
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                var (token, expiresAt) = await ReadTokenAsync(response, cancellationToken);
                _cached = token;
                _cachedUntil = expiresAt - RenewBefore;
                return (token, true);
            case HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed:
                // No control plane on this server: the edge checks the authtoken itself.
                _cached = options.Authtoken;
                _cachedUntil = DateTimeOffset.MaxValue;
                return (options.Authtoken, true);
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                throw new AgentException(
                    AgentFailure.AuthenticationFailed,
                    ErrorCodes.AuthenticationFailed,
                    "The server refused the authtoken: it is unknown or was revoked.");
            default:
                throw new HttpRequestException($"the server answered {(int)response.StatusCode} {response.ReasonPhrase} to the authtoken exchange", null, response.StatusCode);
        }
    }

    /// <summary>Forgets the cached agent token (the edge refused it): the next connection exchanges again.</summary>
    public void Invalidate()
    {
        _cached = null;
        _cachedUntil = default;
    }

    internal static Uri ExchangeUri(Uri server)
    {
        var builder = new UriBuilder(server) { Path = ExchangePath, Query = string.Empty, Fragment = string.Empty };
        if (builder.Scheme is "ws" or "wss")
        {
            builder.Scheme = builder.Scheme == "wss" ? "https" : "http";
        }

        if (server.IsDefaultPort)
        {
            builder.Port = -1;
        }

        return builder.Uri;
    }

    private static async Task<(string Token, DateTimeOffset ExpiresAt)> ReadTokenAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            throw new InvalidDataException("The authtoken exchange answered with an oversized body.");
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (body.Length > MaxResponseBytes)
        {
            throw new InvalidDataException("The authtoken exchange answered with an oversized body.");
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var token = root.GetProperty("agentToken").GetString();
            var expires = root.GetProperty("expiresAt").GetDateTimeOffset();
            if (string.IsNullOrEmpty(token))
            {
                throw new InvalidDataException("The authtoken exchange answered without a token.");
            }

            return (token, expires);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException("The authtoken exchange answered with a body fdt does not understand.", ex);
        }
    }
}
