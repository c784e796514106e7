namespace Fdt.Edge.Routing;

/// <summary>Persists name leases so that agents get their names back after an edge restart.</summary>
public interface ILeaseStore
{
    IReadOnlyList<LeaseRecord> Load();

    /// <summary>Records the current set; implementations may batch writes but must not lose the last one.</summary>
    void Save(IReadOnlyList<LeaseRecord> leases);

    /// <summary>Writes anything still pending (at shutdown).</summary>
    Task FlushAsync();
}
