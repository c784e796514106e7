using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Fdt.Testing;

/// <summary>
/// A child process for tests: output lines are collected and can be awaited; disposing kills the
/// whole process tree, so nothing a test starts outlives it.
/// </summary>
public sealed class TestProcess : IAsyncDisposable
{
    // Every process still running when the test host exits is killed then, so a test that failed
    // before it could dispose what it started (a failed InitializeAsync) leaves nothing behind.
    private static readonly ConcurrentDictionary<TestProcess, byte> Running = new();

    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private TaskCompletionSource _lineAdded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static TestProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Running.Keys)
        {
            process.Kill();
        }
    };

    private TestProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Exit code once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Standard output lines so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Standard error so far.</summary>
    public string StandardError
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Everything the process printed, for failure messages.</summary>
    public string Output => string.Join('\n', Lines) + "\n--- stderr ---\n" + StandardError;

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>.</summary>
    public static TestProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                if (value is null)
                {
                    info.Environment.Remove(key);
                }
                else
                {
                    info.Environment[key] = value;
                }
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var result = new TestProcess(process);
        process.OutputDataReceived += (_, e) => result.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => result.OnError(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {fileName}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Running[result] = 0;
        return result;
    }

    /// <summary>Waits for an output line matching <paramref name="match"/> (including lines already printed).</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var seen = 0;
        while (true)
        {
            Task next;
            lock (_lock)
            {
                for (; seen < _lines.Count; seen++)
                {
                    if (match(_lines[seen]))
                    {
                        return _lines[seen];
                    }
                }

                next = _lineAdded.Task;
            }

            if (_process.HasExited)
            {
                // Output may still be draining; give the reader a moment through the exit wait.
                await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
                lock (_lock)
                {
                    for (; seen < _lines.Count; seen++)
                    {
                        if (match(_lines[seen]))
                        {
                            return _lines[seen];
                        }
                    }
                }

                throw new InvalidOperationException($"The process exited ({_process.ExitCode}) without printing the expected line.\n{Output}");
            }

            try
            {
                await Task.WhenAny(next, _process.WaitForExitAsync(cts.Token)).WaitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No expected line within {timeout}.\n{Output}");
            }
        }
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The process did not exit within {timeout}.\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Closes the process's standard input (end of file for programs that read it, e.g. openssl s_client).</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Sends SIGINT (as Ctrl-C does) on Unix.</summary>
    public void Interrupt()
    {
        if (!_process.HasExited)
        {
            _ = NativeSignals.Kill(_process.Id, NativeSignals.SigInt);
        }
    }

    /// <summary>Sends SIGTERM (as a service manager stops a service) on Unix.</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            _ = NativeSignals.Kill(_process.Id, NativeSignals.SigTerm);
        }
    }

    /// <summary>Kills the process tree at once (SIGKILL).</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Running.TryRemove(this, out _);
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        TaskCompletionSource previous;
        lock (_lock)
        {
            _lines.Add(line);
            previous = _lineAdded;
            _lineAdded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _stderr.AppendLine(line);
        }
    }
}
