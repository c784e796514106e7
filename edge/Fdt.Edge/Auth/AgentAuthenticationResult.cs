using Fdt.Protocol.Control;

namespace Fdt.Edge.Auth;

/// <summary>Outcome of authenticating an agent's hello.</summary>
public sealed record AgentAuthenticationResult
{
    private AgentAuthenticationResult()
    {
    }

    /// <summary>The identity when authentication succeeded.</summary>
    public AgentIdentity? Identity { get; private init; }

    /// <summary>The refusal when it failed.</summary>
    public ControlError? Error { get; private init; }

    public static AgentAuthenticationResult Success(AgentIdentity identity) => new() { Identity = identity };

    public static AgentAuthenticationResult Failure(string code, string message) => new() { Error = new ControlError(code, message) };
}
