using System.Threading.Channels;

namespace Fdt.Agent.Inspection;

/// <summary>Changes of a <see cref="CaptureStore"/> from the moment of subscribing until disposed.</summary>
internal sealed class CaptureSubscription : IDisposable
{
    private readonly CaptureStore _store;
    private readonly Channel<CaptureChange> _channel;

    internal CaptureSubscription(CaptureStore store, int capacity)
    {
        _store = store;

        // A reader that falls behind loses the oldest changes, never holds up the traffic.
        _channel = Channel.CreateBounded<CaptureChange>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
    }

    public ChannelReader<CaptureChange> Reader => _channel.Reader;

    internal bool TryWrite(CaptureChange change) => _channel.Writer.TryWrite(change);

    public void Dispose()
    {
        _store.Unsubscribe(this);
        _channel.Writer.TryComplete();
    }
}
