using Fdt.Data.Model;

namespace Fdt.Api.Tunnels;

/// <summary>A live tunnel as the API shows it.</summary>
public sealed record TunnelView(
    string Id,
    string Name,
    string Protocol,
    string Url,
    string? LocalAddress,
    string? ClientAddress,
    string? AgentVersion,
    string Edge,
    DateTime StartedAt,
    long Requests,
    long BytesIn,
    long BytesOut,
    Guid? AuthtokenId,
    bool Stopping)
{
    public static TunnelView From(TunnelSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new(session.Id, session.Name, session.Protocol, session.Url, session.LocalAddress, session.ClientAddress, session.AgentVersion, session.EdgeNodeId,
            session.StartedAt, session.Requests, session.BytesIn, session.BytesOut, session.AuthtokenId, session.StopRequestedAt is not null);
    }
}
