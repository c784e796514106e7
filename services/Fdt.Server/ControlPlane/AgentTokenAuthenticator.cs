using System.Globalization;
using Fdt.Api.Agents;
using Fdt.Api.Security;
using Fdt.Edge.Auth;
using Fdt.Protocol;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Fdt.Server.ControlPlane;

/// <summary>
/// The edge's authenticator when the control plane is present: an agent presents the signed agent
/// token it got for its authtoken, and the edge checks signature, audience and expiry with the
/// public key alone. No database call per connection; tokens of authtokens revoked since they
/// were issued are refused from the bridge's revocation list.
/// </summary>
internal sealed class AgentTokenAuthenticator(ApiKeys keys, EdgeBridge bridge) : IAgentAuthenticator
{
    private readonly JsonWebTokenHandler _handler = new();

    public async ValueTask<AgentAuthenticationResult> AuthenticateAsync(string credential, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(credential) || credential.Length > 8192)
        {
            return Refused();
        }

        var result = await _handler.ValidateTokenAsync(credential, AgentTokenIssuer.ValidationParameters(keys.AgentTokenValidationKey));
        if (!result.IsValid
            || !Guid.TryParse(Claim(result.Claims, FdtClaims.Team) as string, out var teamId)
            || !Guid.TryParse(Claim(result.Claims, FdtClaims.Authtoken) as string, out var authtokenId))
        {
            return Refused();
        }

        if (bridge.IsRevoked(authtokenId.ToString("D")))
        {
            return AgentAuthenticationResult.Failure(ErrorCodes.AuthenticationFailed, "The authtoken was revoked. Sign in again with fdt login.");
        }

        var maxTunnels = Claim(result.Claims, FdtClaims.MaxTunnels) switch
        {
            int value => value,
            long value => (int)value,
            string text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => (int?)null,
        };
        return AgentAuthenticationResult.Success(new AgentIdentity
        {
            OwnerId = teamId.ToString("D"),
            DisplayName = Claim(result.Claims, FdtClaims.TeamName) as string ?? "team",
            CredentialId = authtokenId.ToString("D"),
            MaxTunnels = maxTunnels,
        });
    }

    private static object? Claim(IDictionary<string, object> claims, string name) => claims.TryGetValue(name, out var value) ? value : null;

    private static AgentAuthenticationResult Refused()
        => AgentAuthenticationResult.Failure(ErrorCodes.AuthenticationFailed, "The agent token is not valid (expired, revoked or from another server). Run fdt again, or fdt login.");
}
