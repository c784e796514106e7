namespace Fdt.Protocol.Mux;

/// <summary>Limits and timings of a <see cref="MuxSession"/>. Every limit is explicit and configurable.</summary>
public sealed record MuxOptions
{
    /// <summary>The receive window every yamux stream starts with (fixed by the spec).</summary>
    public const int InitialStreamWindow = 256 * 1024;

    /// <summary>Shared default instance.</summary>
    public static MuxOptions Default { get; } = new();

    /// <summary>Streams opened by the peer that may wait to be accepted; beyond that they are reset.</summary>
    public int AcceptBacklog { get; init; } = 256;

    /// <summary>Streams that may be open at once (both directions); opens beyond it fail or are reset.</summary>
    public int MaxConcurrentStreams { get; init; } = 4096;

    /// <summary>
    /// Largest receive window a stream may grow to when the bandwidth-delay product calls for it.
    /// Equal to <see cref="InitialStreamWindow"/> disables growth.
    /// </summary>
    public int MaxStreamWindow { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest payload this side puts in one outgoing data frame (fairness between streams).</summary>
    public int MaxFramePayload { get; init; } = 64 * 1024;

    /// <summary>
    /// Bytes of encoded frames that may wait for the transport before stream writers are paused.
    /// Control frames (window updates, pings, resets) are never paused.
    /// </summary>
    public int WriteBufferHighWatermark { get; init; } = 1024 * 1024;

    /// <summary>
    /// Whether a reader waiting for data resumes on the receive loop's thread (saving a thread-pool
    /// hop per delivery) instead of being queued to the thread pool. Only for readers that never
    /// block synchronously; while one runs, other streams' frames wait.
    /// </summary>
    public bool InlineReadCompletions { get; init; }

    /// <summary>Size of the buffer the receive loop reads the transport into.</summary>
    public int ReadBufferSize { get; init; } = 64 * 1024;

    /// <summary>Whether to send keepalive pings and close the session when they go unanswered.</summary>
    public bool EnableKeepAlive { get; init; } = true;

    /// <summary>Interval between keepalive pings.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A ping unanswered for this long marks the peer dead and closes the session.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a graceful close waits for queued frames to reach the transport.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Clock used for keepalives, RTT and window growth.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (AcceptBacklog < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(AcceptBacklog), AcceptBacklog, "Must be at least 1.");
        }

        if (MaxConcurrentStreams < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentStreams), MaxConcurrentStreams, "Must be at least 1.");
        }

        if (MaxStreamWindow < InitialStreamWindow)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxStreamWindow), MaxStreamWindow, $"Must be at least {InitialStreamWindow}.");
        }

        if (MaxFramePayload < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFramePayload), MaxFramePayload, "Must be at least 1024.");
        }

        if (WriteBufferHighWatermark < MaxFramePayload)
        {
            throw new ArgumentOutOfRangeException(nameof(WriteBufferHighWatermark), WriteBufferHighWatermark, "Must be at least MaxFramePayload.");
        }

        if (ReadBufferSize < FrameHeader.Size * 16)
        {
            throw new ArgumentOutOfRangeException(nameof(ReadBufferSize), ReadBufferSize, "Too small.");
        }

        if (EnableKeepAlive && (KeepAliveInterval <= TimeSpan.Zero || KeepAliveTimeout <= TimeSpan.Zero))
        {
            throw new ArgumentOutOfRangeException(nameof(KeepAliveInterval), "Keepalive interval and timeout must be positive.");
        }
    }
}
