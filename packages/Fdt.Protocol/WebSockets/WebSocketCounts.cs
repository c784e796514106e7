namespace Fdt.Protocol.WebSockets;

/// <summary>What went through a WebSocket connection after its handshake, counted as the frames pass.</summary>
public sealed class WebSocketCounts
{
    private long _fromClient;
    private long _fromServer;
    private int _closed;

    /// <summary>Complete data messages (text or binary) the visitor sent.</summary>
    public long MessagesFromClient => Interlocked.Read(ref _fromClient);

    /// <summary>Complete data messages the local service sent.</summary>
    public long MessagesFromServer => Interlocked.Read(ref _fromServer);

    /// <summary>Whether the connection has ended (a close frame or the end of the stream).</summary>
    public bool Closed => Volatile.Read(ref _closed) != 0;

    public void AddMessage(bool fromClient)
    {
        if (fromClient)
        {
            Interlocked.Increment(ref _fromClient);
        }
        else
        {
            Interlocked.Increment(ref _fromServer);
        }
    }

    public void MarkClosed() => Volatile.Write(ref _closed, 1);
}
