namespace Fdt.Edge.Routing;

/// <summary>
/// Told when tunnels start and end (the control plane records them). Called on the edge's own
/// threads: implementations must return quickly and never throw.
/// </summary>
public interface ITunnelObserver
{
    void OnBound(TunnelBinding binding);

    /// <param name="leased">Whether the name stays leased to the agent (lost connection, edge restart).</param>
    void OnReleased(TunnelBinding binding, bool leased);
}
