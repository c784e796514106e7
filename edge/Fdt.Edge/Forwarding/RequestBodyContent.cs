using System.IO.Pipelines;
using System.Net;

namespace Fdt.Edge.Forwarding;

/// <summary>
/// Streams the visitor's request body to the agent as it arrives: read from Kestrel's pipe,
/// written segment by segment and flushed after every read, so uploads of any size and
/// client-streaming protocols go through without being buffered.
/// </summary>
internal sealed class RequestBodyContent : HttpContent
{
    private readonly PipeReader _body;
    private readonly long? _length;
    private readonly CancellationToken _aborted;
    private readonly CancellationTokenSource _responseTimeout;
    private readonly TimeSpan _timeout;
    private readonly Inspection.CaptureBuffer? _capture;

    /// <param name="responseTimeout">Armed with <paramref name="timeout"/> once the whole body is sent: the local service's time to answer starts then, so slow uploads are not cut short.</param>
    /// <param name="capture">Receives a copy of the body as it passes (the inspector), or null.</param>
    public RequestBodyContent(PipeReader body, long? length, CancellationTokenSource responseTimeout, TimeSpan timeout, CancellationToken aborted, Inspection.CaptureBuffer? capture = null)
    {
        _capture = capture;
        _body = body;
        _length = length;
        _aborted = aborted;
        _responseTimeout = responseTimeout;
        _timeout = timeout;
    }

    /// <summary>Body bytes sent on so far.</summary>
    public long BytesSent { get; private set; }

    /// <summary>Set when reading the visitor's body failed (the visitor went away or sent a bad body).</summary>
    public Exception? ReadError { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _aborted);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _body.ReadAsync(linked.Token);
            }
            catch (Exception ex)
            {
                ReadError = ex;
                throw;
            }

            var buffer = result.Buffer;
            foreach (var segment in buffer)
            {
                _capture?.Append(segment.Span);
                await stream.WriteAsync(segment, linked.Token);
            }

            BytesSent += buffer.Length;

            _body.AdvanceTo(buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                _responseTimeout.CancelAfter(_timeout);
                break;
            }

            await stream.FlushAsync(linked.Token);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length ?? -1;
        return _length is not null;
    }
}
