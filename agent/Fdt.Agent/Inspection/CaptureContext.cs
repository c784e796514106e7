namespace Fdt.Agent.Inspection;

/// <summary>What is known about one connection whose exchanges are captured.</summary>
/// <param name="Store">Where the exchanges go.</param>
/// <param name="TunnelName">The tunnel that carried the connection.</param>
/// <param name="TunnelUrl">The tunnel's first public URL (used when a request does not say which host it was for).</param>
/// <param name="Target">The local service the connection went to (where a replay goes).</param>
/// <param name="RemoteAddress">The visitor's address when the stream header carried it.</param>
/// <param name="ReplayOf">The exchange this connection replays, for replays.</param>
internal sealed record CaptureContext(CaptureStore Store, string TunnelName, string? TunnelUrl, LocalTarget Target, string? RemoteAddress = null, string? ReplayOf = null);
