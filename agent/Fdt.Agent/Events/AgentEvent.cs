using Fdt.Agent.Http;

namespace Fdt.Agent.Events;

/// <summary>Something the agent's user may want to see.</summary>
public abstract record AgentEvent(DateTimeOffset Time);

/// <summary>Trying to reach the edge.</summary>
public sealed record ConnectingEvent(DateTimeOffset Time, Uri Server, int Attempt) : AgentEvent(Time);

/// <summary>The edge accepted the agent.</summary>
public sealed record SessionStartedEvent(DateTimeOffset Time, string SessionId, string? Account, string? EdgeId, bool Resumed) : AgentEvent(Time);

/// <summary>A tunnel is up.</summary>
public sealed record TunnelStartedEvent(DateTimeOffset Time, string TunnelId, string Name, IReadOnlyList<string> Urls, string LocalAddress, bool NameChanged) : AgentEvent(Time);

/// <summary>The connection to the edge was lost.</summary>
public sealed record ConnectionLostEvent(DateTimeOffset Time, string Reason) : AgentEvent(Time);

/// <summary>The agent will try again after <see cref="Delay"/>.</summary>
public sealed record ReconnectingEvent(DateTimeOffset Time, int Attempt, TimeSpan Delay, string Reason) : AgentEvent(Time);

/// <summary>An HTTP exchange through a tunnel completed.</summary>
public sealed record RequestEvent(DateTimeOffset Time, string TunnelName, HttpExchange Exchange) : AgentEvent(Time);

/// <summary>
/// The edge's traffic policy turned a visitor away before the request reached the agent
/// (<see cref="Method"/> is null for a TCP/TLS connection). <see cref="Suppressed"/> counts denials
/// the edge did not report one by one since the previous report.
/// </summary>
public sealed record RequestDeniedEvent(DateTimeOffset Time, string TunnelName, string? Method, string? Path, int Status, string Code, string Rule, string? Reason, string? RemoteAddress, int Suppressed) : AgentEvent(Time);

/// <summary>A visitor connection could not be forwarded because the local service did not accept it.</summary>
public sealed record LocalServiceErrorEvent(DateTimeOffset Time, string TunnelName, string Target, string Reason) : AgentEvent(Time);

/// <summary>The edge sent a notice.</summary>
public sealed record NoticeEvent(DateTimeOffset Time, string Level, string? Code, string Message) : AgentEvent(Time);

/// <summary>The edge ended a tunnel.</summary>
public sealed record TunnelStoppedEvent(DateTimeOffset Time, string TunnelName, string? Code, string Message) : AgentEvent(Time);

/// <summary>The edge is going away (restart); the agent will reconnect.</summary>
public sealed record DrainingEvent(DateTimeOffset Time, string? Reason) : AgentEvent(Time);

/// <summary>The local inspector is serving at <see cref="Url"/>.</summary>
public sealed record InspectorStartedEvent(DateTimeOffset Time, Uri Url) : AgentEvent(Time);

/// <summary>The local inspector could not start (e.g. every port from 4040 to 4049 is taken); the tunnel runs without it.</summary>
public sealed record InspectorUnavailableEvent(DateTimeOffset Time, string Reason) : AgentEvent(Time);
