namespace Fdt.Agent.Inspection.Replay;

/// <summary>Changes to make to a captured request before replaying it; null properties keep the original's.</summary>
internal sealed record ReplayRequest
{
    public string? Method { get; init; }

    /// <summary>The request target: path and query, e.g. "/hooks?retry=1".</summary>
    public string? Path { get; init; }

    public ReplayHeaderChanges? Headers { get; init; }

    /// <summary>A new body, as text (sent as UTF-8).</summary>
    public string? Body { get; init; }

    /// <summary>A new body, as base64 (for binary bodies).</summary>
    public string? BodyBase64 { get; init; }
}
