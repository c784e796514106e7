namespace Fdt.Edge.Auth;

/// <summary>Checks the credential an agent presents in its hello. Implementations must not call out per data stream.</summary>
public interface IAgentAuthenticator
{
    ValueTask<AgentAuthenticationResult> AuthenticateAsync(string credential, CancellationToken cancellationToken);
}
