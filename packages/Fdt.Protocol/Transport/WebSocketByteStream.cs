using System.Net.WebSockets;

namespace Fdt.Protocol.Transport;

/// <summary>
/// Presents a WebSocket as a byte stream for the mux: every write is one binary message, reads
/// ignore message boundaries, and a close message reads as end of stream. Text messages are refused.
/// </summary>
public sealed class WebSocketByteStream : DuplexStream
{
    private readonly WebSocket _webSocket;
    private int _disposed;

    /// <summary>How long a graceful close waits for the close frame to go out.</summary>
    public static TimeSpan CloseTimeout { get; } = TimeSpan.FromSeconds(2);

    public WebSocketByteStream(WebSocket webSocket)
    {
        ArgumentNullException.ThrowIfNull(webSocket);
        _webSocket = webSocket;
    }

    /// <summary>The wrapped WebSocket.</summary>
    public WebSocket WebSocket => _webSocket;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_webSocket.State is WebSocketState.CloseReceived or WebSocketState.Closed or WebSocketState.Aborted)
            {
                return 0;
            }

            ValueWebSocketReceiveResult result;
            try
            {
                result = await _webSocket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException ex) when (ex.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely)
            {
                return 0;
            }

            switch (result.MessageType)
            {
                case WebSocketMessageType.Close:
                    return 0;
                case WebSocketMessageType.Text:
                    throw new InvalidDataException("A text WebSocket message arrived on the tunnel transport.");
                default:
                    if (result.Count > 0 || buffer.Length == 0)
                    {
                        return result.Count;
                    }

                    // An empty binary message carries nothing; read on.
                    continue;
            }
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => _webSocket.SendAsync(buffer, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);

    /// <summary>Closes at once: the WebSocket is aborted and data not yet sent may be lost.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _webSocket.Abort();
            _webSocket.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Closes gracefully: sends the WebSocket close frame after everything written so far (bounded
    /// by <see cref="CloseTimeout"/>), so the peer reads all data and then a clean end of stream.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            try
            {
                if (_webSocket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    using var timeout = new CancellationTokenSource(CloseTimeout);
                    await _webSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                _webSocket.Abort();
            }

            _webSocket.Dispose();
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }
}
