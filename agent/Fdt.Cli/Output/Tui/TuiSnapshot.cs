namespace Fdt.Cli.Output.Tui;

/// <summary>Everything the live view shows at one moment.</summary>
internal sealed record TuiSnapshot
{
    public SessionStatus Status { get; init; }

    /// <summary>The reconnect attempt while <see cref="Status"/> is <see cref="SessionStatus.Reconnecting"/> (0: not yet counted).</summary>
    public int Attempt { get; init; }

    public string? Account { get; init; }

    public required string Version { get; init; }

    public TimeSpan? Latency { get; init; }

    /// <summary>The local inspector's address, when it serves.</summary>
    public string? Inspector { get; init; }

    public IReadOnlyList<ForwardingRow> Forwarding { get; init; } = [];

    /// <summary>Newest first.</summary>
    public IReadOnlyList<RequestRow> Requests { get; init; } = [];

    /// <summary>The last notice, warning or error worth showing, if any.</summary>
    public string? Message { get; init; }

    public bool MessageIsWarning { get; init; }
}
