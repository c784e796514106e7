namespace Fdt.Api.Events;

/// <summary>
/// Changes the edges must act on. When the edge runs in the same process it acts at once; edges
/// in other processes find the same facts in the database (stop requests, revocations,
/// reservations) when they poll.
/// </summary>
public interface IControlPlaneEvents
{
    /// <summary>A tunnel was asked to stop.</summary>
    ValueTask TunnelStopRequestedAsync(string tunnelId, CancellationToken cancellationToken);

    /// <summary>An authtoken was revoked: its agents must go.</summary>
    ValueTask AuthtokenRevokedAsync(Guid authtokenId, CancellationToken cancellationToken);

    /// <summary>Reserved names changed.</summary>
    ValueTask ReservationsChangedAsync(CancellationToken cancellationToken);

    /// <summary>A team or reserved-name traffic policy changed: live tunnels recompose theirs.</summary>
    ValueTask PoliciesChangedAsync(CancellationToken cancellationToken);

    /// <summary>Uploaded certificates changed: the HTTPS listener reloads them.</summary>
    ValueTask CertificatesChangedAsync(CancellationToken cancellationToken);
}
