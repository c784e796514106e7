using System.Globalization;

namespace Fdt.Agent.Inspection;

/// <summary>A filter on captured exchanges; null properties match everything.</summary>
internal sealed record ExchangeQuery
{
    /// <summary>A status ("404") or a class of statuses ("4xx").</summary>
    public string? Status { get; init; }

    public string? Method { get; init; }

    /// <summary>Matches exchanges whose target contains this text (case-insensitive).</summary>
    public string? PathContains { get; init; }

    public string? Tunnel { get; init; }

    /// <summary>How many exchanges to return at most, newest first.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>Whether <paramref name="status"/> is a status or class this query can use.</summary>
    public static bool IsValidStatus(string status)
        => (status.Length == 3 && int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            || (status.Length == 3 && status[0] is >= '1' and <= '5' && status.EndsWith("xx", StringComparison.OrdinalIgnoreCase));

    public bool Matches(CapturedExchange exchange)
    {
        if (Method is not null && !string.Equals(exchange.Method, Method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (PathContains is not null && !exchange.Target.Contains(PathContains, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (Tunnel is not null && !string.Equals(exchange.TunnelName, Tunnel, StringComparison.Ordinal))
        {
            return false;
        }

        if (Status is null)
        {
            return true;
        }

        var status = exchange.Status;
        return Status.EndsWith("xx", StringComparison.OrdinalIgnoreCase)
            ? status / 100 == Status[0] - '0'
            : status.ToString(CultureInfo.InvariantCulture) == Status;
    }
}
