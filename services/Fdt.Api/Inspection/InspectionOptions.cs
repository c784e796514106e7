using System.ComponentModel.DataAnnotations;

namespace Fdt.Api.Inspection;

/// <summary>The inspector's settings (section <c>Inspection</c>).</summary>
public sealed class InspectionOptions
{
    public const string SectionName = "Inspection";

    /// <summary>Capture HTTP exchanges at the edge (tunnels may still opt out).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>"filesystem" (the data directory's payloads/ folder) or "s3".</summary>
    public string Store { get; init; } = "filesystem";

    /// <summary>The most body bytes kept per direction of an exchange.</summary>
    [Range(0, 64 * 1024 * 1024)]
    public int BodyLimit { get; init; } = 1024 * 1024;

    /// <summary>
    /// Exchanges captured per second and tunnel at most (bursts of twice as many); the rest are not
    /// captured (counted in fdt_edge_capture_skipped_total). 0: no limit.
    /// </summary>
    [Range(0, 1_000_000)]
    public int MaxPerSecondPerTunnel { get; init; } = 50;

    /// <summary>Captures waiting to be stored; beyond it, new ones are dropped (and counted), never waited for.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; init; } = 2000;

    /// <summary>How often the retention job deletes expired captures.</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromHours(1);

    public S3Options S3 { get; init; } = new();

    public sealed class S3Options
    {
        /// <summary>An S3-compatible endpoint, e.g. http://127.0.0.1:4569; empty: AWS in <see cref="Region"/>.</summary>
        public string? ServiceUrl { get; init; }

        public string Region { get; init; } = "us-east-1";

        public string? Bucket { get; init; }

        /// <summary>Put before every key, e.g. "fdt/".</summary>
        public string? Prefix { get; init; }

        public string? AccessKey { get; init; }

        public string? SecretKey { get; init; }

        /// <summary>Path-style URLs (bucket in the path), as S3-compatible servers need.</summary>
        public bool ForcePathStyle { get; init; } = true;
    }
}
