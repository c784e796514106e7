namespace Fdt.Agent;

/// <summary>Why an agent stopped for good (each maps to a documented exit code of <c>fdt</c>).</summary>
public enum AgentFailure
{
    /// <summary>The server refused the authtoken.</summary>
    AuthenticationFailed,

    /// <summary>A tunnel was refused (name taken, invalid, reserved, limits).</summary>
    TunnelRefused,

    /// <summary>The server could not be reached on the first attempt.</summary>
    ServerUnreachable,

    /// <summary>The server speaks an incompatible protocol version.</summary>
    IncompatibleServer,

    /// <summary>The server stopped the agent's last tunnel.</summary>
    TunnelStopped,
}
