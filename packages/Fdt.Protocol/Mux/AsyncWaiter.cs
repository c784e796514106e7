using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Fdt.Protocol.Mux;

/// <summary>
/// A reusable single-waiter signal. The owner arms it (under its own lock), at most one party
/// completes it, and continuations never run inline on the completing thread, so the session's
/// receive loop is never borrowed by application code.
/// </summary>
internal sealed class AsyncWaiter : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _armed;

    public bool IsArmed => Volatile.Read(ref _armed) == 1;

    /// <summary>Prepares a new wait; the caller must not arm again before the previous wait finished.</summary>
    public ValueTask Arm()
    {
        _core.Reset();
        Volatile.Write(ref _armed, 1);
        return new ValueTask(this, _core.Version);
    }

    public bool TrySignal() => TrySignal(inline: false);

    /// <summary>
    /// Completes the wait. With <paramref name="inline"/> the waiter's continuation may run on this
    /// thread before the call returns, so the caller must hold no lock.
    /// </summary>
    public bool TrySignal(bool inline)
    {
        if (Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _core.RunContinuationsAsynchronously = !inline;
            _core.SetResult(true);
            return true;
        }

        return false;
    }

    public bool TryFail(Exception error)
    {
        if (Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _core.RunContinuationsAsynchronously = true;
            _core.SetException(error);
            return true;
        }

        return false;
    }

    /// <summary>Awaits an armed wait, failing it with <see cref="OperationCanceledException"/> on cancellation.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WaitAsync(ValueTask armed, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            await armed.ConfigureAwait(false);
            return;
        }

        using var registration = cancellationToken.UnsafeRegister(
            static (state, token) => ((AsyncWaiter)state!).TryFail(new OperationCanceledException(token)),
            this);
        await armed.ConfigureAwait(false);
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
