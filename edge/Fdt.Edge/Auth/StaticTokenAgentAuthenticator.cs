using System.Security.Cryptography;
using System.Text;
using Fdt.Protocol;

namespace Fdt.Edge.Auth;

/// <summary>
/// Accepts exactly one authtoken (the development token of a single-user installation). Only a
/// SHA-256 hash of the token is kept, and comparison is constant-time.
/// </summary>
public sealed class StaticTokenAgentAuthenticator : IAgentAuthenticator
{
    private readonly byte[] _tokenHash;
    private readonly AgentIdentity _identity;

    public StaticTokenAgentAuthenticator(string token, AgentIdentity? identity = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        _identity = identity ?? new AgentIdentity { OwnerId = "dev", DisplayName = "development", CredentialId = "dev-authtoken" };
    }

    public ValueTask<AgentAuthenticationResult> AuthenticateAsync(string credential, CancellationToken cancellationToken)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(credential ?? string.Empty));
        return ValueTask.FromResult(CryptographicOperations.FixedTimeEquals(hash, _tokenHash)
            ? AgentAuthenticationResult.Success(_identity)
            : AgentAuthenticationResult.Failure(ErrorCodes.AuthenticationFailed, "The authtoken is not valid for this server."));
    }
}
