namespace Fdt.Api.Events;

/// <summary>Used when no edge runs in this process: edges elsewhere learn changes from the database.</summary>
internal sealed class NoControlPlaneEvents : IControlPlaneEvents
{
    public ValueTask TunnelStopRequestedAsync(string tunnelId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask AuthtokenRevokedAsync(Guid authtokenId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask ReservationsChangedAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask PoliciesChangedAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask CertificatesChangedAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
