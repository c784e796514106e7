namespace Fdt.Agent.Inspection.Web;

/// <summary>The answer of <c>GET /api/requests</c>.</summary>
/// <param name="Requests">Newest first.</param>
/// <param name="Total">Exchanges kept (before filtering).</param>
/// <param name="MemoryBytes">Memory the captures take.</param>
internal sealed record ExchangeList(IReadOnlyList<ExchangeSummary> Requests, int Total, long MemoryBytes, CaptureLimits Limits);
