namespace Fdt.Edge.Routing;

/// <summary>Names reserved by owners (teams): only the owner's agents may bind them.</summary>
public interface INameReservationPolicy
{
    /// <summary>The owner id a name is reserved for, or null when it is not reserved.</summary>
    string? GetOwner(string name);
}
