namespace Fdt.Edge.Policy;

/// <summary>
/// Policy layers set through the control plane: a team's defaults and a reserved name's policy.
/// The edge composes them with what the agent asks for; when <see cref="Changed"/> fires, it
/// recomposes the policy of every live tunnel (no reconnect).
/// </summary>
public interface ITunnelPolicySource
{
    /// <summary>The layers for a tunnel of <paramref name="ownerId"/> named <paramref name="name"/>, broadest first.</summary>
    IReadOnlyList<PolicyLayer> GetLayers(string ownerId, string name);

    /// <summary>Raised after any layer changed.</summary>
    event EventHandler? Changed;
}

/// <summary>No control plane: agents' own policies only.</summary>
internal sealed class NoTunnelPolicies : ITunnelPolicySource
{
    public event EventHandler? Changed
    {
        add { }
        remove { }
    }

    public IReadOnlyList<PolicyLayer> GetLayers(string ownerId, string name) => [];
}
