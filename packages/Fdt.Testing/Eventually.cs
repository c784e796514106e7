namespace Fdt.Testing;

/// <summary>
/// Waits for a condition that another component makes true asynchronously (a poll loop, a
/// background write). The timeout is an upper bound for a hung test, not a pacing delay: the
/// check runs every few milliseconds and returns as soon as it holds.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static Task TrueAsync(Func<bool> condition, string? because = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return TrueAsync(() => Task.FromResult(condition()), because, timeout, cancellationToken);
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, string? because = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? DefaultTimeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(20, limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Still false after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s{(because is null ? "." : $": {because}")}");
            }
        }
    }
}
