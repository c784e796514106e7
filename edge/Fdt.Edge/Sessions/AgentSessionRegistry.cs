using System.Collections.Concurrent;

namespace Fdt.Edge.Sessions;

/// <summary>The agent sessions connected to this edge.</summary>
public sealed class AgentSessionRegistry
{
    private readonly ConcurrentDictionary<string, AgentSession> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    public IReadOnlyCollection<AgentSession> Sessions => [.. _sessions.Values];

    public AgentSession? Find(string id) => _sessions.GetValueOrDefault(id);

    internal void Add(AgentSession session) => _sessions[session.Id] = session;

    internal void Remove(AgentSession session) => _sessions.TryRemove(new KeyValuePair<string, AgentSession>(session.Id, session));
}
