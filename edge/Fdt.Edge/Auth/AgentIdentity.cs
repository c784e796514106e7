namespace Fdt.Edge.Auth;

/// <summary>Who an authenticated agent acts for.</summary>
public sealed record AgentIdentity
{
    /// <summary>Stable identifier of the owner (an account or team); names are owned by it.</summary>
    public required string OwnerId { get; init; }

    /// <summary>Shown to the agent's user.</summary>
    public required string DisplayName { get; init; }

    /// <summary>Identifier of the credential used (never the secret), for logs and revocation.</summary>
    public string? CredentialId { get; init; }

    /// <summary>Tunnels this owner may hold on one session, when lower than the edge's limit.</summary>
    public int? MaxTunnels { get; init; }
}
