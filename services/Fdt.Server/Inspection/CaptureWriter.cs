using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Fdt.Api.Inspection;
using Fdt.Data;
using Fdt.Data.Model;
using Fdt.Edge.Inspection;
using Fdt.Server.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fdt.Server.Inspection;

/// <summary>
/// Stores what the edge captures: bodies go to the payload store, the rest to
/// <c>captured_requests</c>. The edge hands captures over through a bounded queue and never
/// waits: when the store is slow and the queue is full, new captures are dropped and counted
/// (<c>fdt.edge.capture.dropped</c>); a body the store refuses is marked missing on its row.
/// </summary>
internal sealed partial class CaptureWriter : ICaptureSink, IHostedService, IDisposable
{
    private const int BatchSize = 64;

    private static readonly Meter CaptureMeter = new("Fdt.Edge");
    private static readonly Counter<long> Dropped = CaptureMeter.CreateCounter<long>("fdt.edge.capture.dropped", "{exchange}", "Captured exchanges dropped because the inspector's store fell behind.");
    private static readonly Counter<long> Stored = CaptureMeter.CreateCounter<long>("fdt.edge.capture.stored", "{exchange}", "Captured exchanges stored for the inspector.");

    private readonly Channel<ExchangeCapture> _queue;
    private readonly IDbContextFactory<FdtDbContext> _factory;
    private readonly IPayloadStore _store;
    private readonly ILogger<CaptureWriter> _logger;
    private readonly InspectionOptions _options;
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _waiters = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SingleStop _stopping = new();
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    public CaptureWriter(IDbContextFactory<FdtDbContext> factory, IPayloadStore store, IOptions<InspectionOptions> options, ILogger<CaptureWriter> logger)
    {
        _factory = factory;
        _store = store;
        _logger = logger;
        _options = options.Value;
        // Wait mode only so that TryWrite says when the queue is full (DropWrite would report success); nothing ever waits.
        _queue = Channel.CreateBounded<ExchangeCapture>(new BoundedChannelOptions(_options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public bool Enabled => _options.Enabled;

    public int BodyLimit => _options.BodyLimit;

    public int MaxPerSecondPerTunnel => _options.MaxPerSecondPerTunnel;

    /// <summary>Captures dropped since start (the queue was full).</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    private long _dropped;

    public void Submit(ExchangeCapture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);

        // Only team-owned tunnels have an inspector (a development token's do not).
        if (!Guid.TryParse(capture.OwnerId, out _))
        {
            return;
        }

        if (!_queue.Writer.TryWrite(capture))
        {
            Interlocked.Increment(ref _dropped);
            Dropped.Add(1);
            Complete(capture.Id);
        }
    }

    /// <summary>
    /// Registers interest in the capture with <paramref name="id"/> before it is submitted; the task
    /// completes when it is stored or dropped. Pair with <see cref="Forget"/>.
    /// </summary>
    public Task Expect(Guid id) => _waiters.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Forget(Guid id) => _waiters.TryRemove(id, out _);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = WriteLoopAsync();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _stopping.RunAsync(async () =>
    {
        _queue.Writer.TryComplete();
        await _loop.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _stop.CancelAsync();
    });

    public void Dispose()
    {
        // Disposed twice too when both the test host and the program own the host.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.WaitBeforeDispose(TimeSpan.FromSeconds(15));
        _stop.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<ExchangeCapture>(BatchSize);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < BatchSize && _queue.Reader.TryRead(out var capture))
            {
                batch.Add(capture);
            }

            try
            {
                await WriteAsync(batch, _stop.Token);
                Stored.Add(batch.Count);
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or OperationCanceledException)
            {
                Log.WriteFailed(_logger, batch.Count, ex);
            }
            finally
            {
                foreach (var capture in batch)
                {
                    Complete(capture.Id);
                }
            }
        }
    }

    private async Task WriteAsync(List<ExchangeCapture> batch, CancellationToken cancellationToken)
    {
        var rows = new List<CapturedRequest>(batch.Count);
        foreach (var capture in batch)
        {
            var teamId = Guid.Parse(capture.OwnerId);
            var receivedAt = capture.ReceivedAt.UtcDateTime;
            var row = new CapturedRequest
            {
                Id = capture.Id,
                TeamId = teamId,
                TunnelId = capture.TunnelId,
                TunnelName = capture.TunnelName,
                Method = Cut(capture.Method, 32),
                Target = Cut(capture.Target, 4096),
                Host = Cut(capture.Host, 300),
                Scheme = capture.Scheme,
                ClientAddress = capture.ClientAddress?.ToString(),
                Status = capture.Status,
                Kind = capture.Kind,
                Events = capture.WebSocket is { } socket ? (int)Math.Min(int.MaxValue, socket.MessagesFromClient + socket.MessagesFromServer) : capture.ResponseBody.Events,
                ErrorCode = capture.ErrorCode,
                ReceivedAt = new DateTime(receivedAt.Ticks - (receivedAt.Ticks % 10), DateTimeKind.Utc),
                FirstByteMilliseconds = capture.FirstByte?.TotalMilliseconds,
                DurationMilliseconds = capture.Duration.TotalMilliseconds,
                RequestHeaders = RequestsEndpoints.WriteHeaders(capture.RequestHeaders),
                ResponseHeaders = RequestsEndpoints.WriteHeaders(capture.ResponseHeaders),
                RequestBodySize = capture.RequestBody.Length,
                ResponseBodySize = capture.ResponseBody.Length,
                RequestBodyTruncated = capture.RequestBody.Truncated,
                ResponseBodyTruncated = capture.ResponseBody.Truncated,
                ReplayOfId = capture.ReplayOf,
                RequestId = capture.RequestId is { Length: > 128 } longId ? longId[..128] : capture.RequestId,
            };
            row.RequestBodyKey = await PutAsync(teamId, receivedAt, capture.Id, request: true, capture.RequestBody, row, cancellationToken);
            row.ResponseBodyKey = await PutAsync(teamId, receivedAt, capture.Id, request: false, capture.ResponseBody, row, cancellationToken);
            rows.Add(row);
        }

        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        db.CapturedRequests.AddRange(rows);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (rows.Count > 1)
        {
            // One bad row (its team was deleted meanwhile) must not lose the others.
            foreach (var row in rows)
            {
                await using var single = await _factory.CreateDbContextAsync(cancellationToken);
                single.CapturedRequests.Add(row);
                try
                {
                    await single.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException ex)
                {
                    Log.WriteFailed(_logger, 1, ex);
                }
            }
        }
    }

    private async Task<string?> PutAsync(Guid teamId, DateTime receivedAt, Guid id, bool request, CaptureBuffer body, CapturedRequest row, CancellationToken cancellationToken)
    {
        if (body.Kept.IsEmpty)
        {
            return null;
        }

        var key = PayloadKeys.For(teamId, receivedAt, id, request);
        try
        {
            await _store.PutAsync(key, body.Kept, cancellationToken);
            return key;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException or TaskCanceledException)
        {
            Log.StoreFailed(_logger, _store.Kind, ex.Message);
            row.BodiesMissing = true;
            return null;
        }
    }

    private void Complete(Guid id)
    {
        if (_waiters.TryGetValue(id, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    private static string Cut(string value, int length) => value.Length > length ? value[..length] : value;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The inspector could not store {Count} captured exchanges")]
        public static partial void WriteFailed(ILogger logger, int count, Exception exception);

        [LoggerMessage(2, LogLevel.Warning, "The inspector's {Store} payload store refused a body: {Message}")]
        public static partial void StoreFailed(ILogger logger, string store, string message);
    }
}
