namespace Fdt.Data.Model;

/// <summary>A device login in progress (RFC 8628): the device polls with its code while a person approves the user code.</summary>
public sealed class DeviceAuthorization
{
    public Guid Id { get; set; }

    /// <summary>SHA-256 (hex) of the device code the device polls with.</summary>
    public required string DeviceCodeHash { get; set; }

    /// <summary>The short code the person types (e.g. WDJB-MJHT), unique while pending.</summary>
    public required string UserCode { get; set; }

    /// <summary>What the device says it is (host name, fdt version), shown on the approval page.</summary>
    public required string ClientDescription { get; set; }

    public string? ClientAddress { get; set; }

    public DeviceAuthorizationStatus Status { get; set; }

    public Guid? TeamId { get; set; }

    public Guid? ApprovedByUserId { get; set; }

    /// <summary>The authtoken minted when the approved device collected it (its secret is never stored).</summary>
    public Guid? AuthtokenId { get; set; }

    public int IntervalSeconds { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? LastPolledAt { get; set; }
}
