using System.Security.Claims;
using System.Text.Encodings.Web;
using Fdt.Api.Authtokens;
using Fdt.Api.Security;
using Fdt.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Fdt.Api.Agents;

/// <summary>
/// Authenticates agents and scripts by authtoken (<c>Authorization: Bearer fdt_…</c>) on the
/// <c>/v1/agent</c> endpoints. The principal carries the token's team and id.
/// </summary>
public sealed class AuthtokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Authtoken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers[HeaderNames.Authorization].ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var db = Context.RequestServices.GetRequiredService<FdtDbContext>();
        var resolved = await AuthtokenService.ResolveAsync(db, header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (resolved is not { } found)
        {
            return AuthenticateResult.Fail("The authtoken is not valid.");
        }

        var identity = new ClaimsIdentity(
            [
                new System.Security.Claims.Claim(FdtClaims.Authtoken, found.Token.Id.ToString("D")),
                new System.Security.Claims.Claim(FdtClaims.Team, found.Token.TeamId.ToString("D")),
                new System.Security.Claims.Claim(FdtClaims.TeamName, found.TeamName),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Request.Headers.Authorization.Count > 0)
        {
            Context.RequestServices.GetService<Diagnostics.ApiMetrics>()?.AuthFailed(Diagnostics.AuthFailureReasons.AuthtokenRejected);
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        await TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "The authtoken is not valid",
            detail: "It is unknown or was revoked. Sign in again with `fdt login` or set another with `fdt config add-authtoken`.",
            extensions: new Dictionary<string, object?> { ["code"] = Protocol.ErrorCodes.AuthenticationFailed }).ExecuteAsync(Context);
    }
}
