using System.ComponentModel.DataAnnotations;

namespace Fdt.Edge.Diagnostics;

/// <summary>Settings of the edge's metrics (configuration section <c>Edge:Metrics</c>).</summary>
public sealed record EdgeMetricsOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Edge:Metrics";

    /// <summary>
    /// Teams that get their own <c>team</c> label on the per-team usage instruments; later teams
    /// share the label <see cref="EdgeMetrics.OtherTeams"/>, so the number of series stays bounded.
    /// 0 turns the per-team instruments off.
    /// </summary>
    [Range(0, 100_000)]
    public int MaxTeams { get; init; } = 1000;
}
