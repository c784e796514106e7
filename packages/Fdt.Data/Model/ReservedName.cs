namespace Fdt.Data.Model;

/// <summary>A name only the owning team's agents may bind.</summary>
public sealed class ReservedName
{
    public Guid Id { get; set; }

    public Guid TeamId { get; set; }

    /// <summary>Lowercase DNS label, unique across the installation.</summary>
    public required string Name { get; set; }

    public DateTime CreatedAt { get; set; }
}
