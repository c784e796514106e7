namespace Fdt.Edge.Routing;

/// <summary>The default: no name is reserved.</summary>
internal sealed class NoNameReservations : INameReservationPolicy
{
    public string? GetOwner(string name) => null;
}
