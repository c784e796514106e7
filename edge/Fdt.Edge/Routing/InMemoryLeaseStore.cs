namespace Fdt.Edge.Routing;

/// <summary>Keeps leases in memory only (tests, or installations that accept losing names on restart).</summary>
public sealed class InMemoryLeaseStore : ILeaseStore
{
    private IReadOnlyList<LeaseRecord> _leases = [];

    public IReadOnlyList<LeaseRecord> Load() => Volatile.Read(ref _leases);

    public void Save(IReadOnlyList<LeaseRecord> leases) => Volatile.Write(ref _leases, leases);

    public Task FlushAsync() => Task.CompletedTask;
}
