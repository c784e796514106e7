namespace Fdt.Server.Hosting;

/// <summary>
/// Runs a hosted service's stop once. A host can be stopped twice at once (WebApplicationFactory
/// stops it while the program's own RunAsync does too, then disposes it): every caller waits for
/// the one stop in flight, and <see cref="WaitBeforeDispose"/> keeps disposal from pulling
/// resources out from under it.
/// </summary>
internal sealed class SingleStop
{
    private Lazy<Task>? _stopping;

    public Task RunAsync(Func<Task> stop)
    {
        var lazy = new Lazy<Task>(stop);
        return (Interlocked.CompareExchange(ref _stopping, lazy, null) ?? lazy).Value;
    }

    /// <summary>
    /// Called from Dispose: waits (bounded) for a stop in flight, and makes a later stop a no-op.
    /// Failures of the stop were logged where they happened.
    /// </summary>
    public void WaitBeforeDispose(TimeSpan timeout)
    {
        if (Interlocked.CompareExchange(ref _stopping, new Lazy<Task>(Task.CompletedTask), null) is { } stop)
        {
            ((IAsyncResult)stop.Value).AsyncWaitHandle.WaitOne(timeout);
        }
    }
}
