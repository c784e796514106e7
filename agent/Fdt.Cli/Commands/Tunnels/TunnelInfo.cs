namespace Fdt.Cli.Commands.Tunnels;

/// <summary>A live tunnel as <c>GET /v1/agent/tunnels</c> returns it (the fields <c>fdt tunnels</c> shows).</summary>
/// <param name="StartedAt">When it started, in UTC (the server may leave out the zone).</param>
/// <param name="Stopping">Whether a stop was requested and the tunnel is closing.</param>
internal sealed record TunnelInfo(
    string? Id,
    string? Name,
    string? Url,
    string? LocalAddress,
    string? ClientAddress,
    DateTime StartedAt,
    long Requests,
    bool Stopping);
