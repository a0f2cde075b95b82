using System.Runtime.ExceptionServices;

namespace OnnxDiffusion.Models;

/// <summary>
/// Runs one piece of work per index concurrently: index 0 on the calling thread, the others on long-lived
/// worker threads that sleep between calls. Unlike <c>Parallel.For</c> or <c>Task.Run</c> a call allocates
/// nothing, which keeps a sampler step free of garbage; the work delegate is fixed at construction.
/// </summary>
public sealed class ParallelRuns : IDisposable
{
    private readonly Action<int> _work;
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private readonly Exception?[] _errors;
    private readonly CountdownEvent _done = new(1);
    private volatile bool _disposed;

    /// <summary>Prepares <paramref name="width"/> − 1 worker threads for <paramref name="work"/>.</summary>
    public ParallelRuns(int width, Action<int> work, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        _work = work;
        _errors = new Exception?[width];
        _start = new SemaphoreSlim[width];
        _threads = new Thread[width];
        for (int i = 1; i < width; i++)
        {
            int index = i;
            _start[i] = new SemaphoreSlim(0);
            _threads[i] = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"{name} {index}" };
            _threads[i].Start();
        }
    }

    /// <summary>Most indices one call can run.</summary>
    public int Width => _threads.Length;

    /// <summary>Runs work(0 … count − 1) and returns when all are done; rethrows the first failure.</summary>
    public void Run(int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Width);
        if (count <= 1)
        {
            _work(0);
            return;
        }
        _done.Reset(count - 1);
        for (int i = 1; i < count; i++)
            _start[i].Release();
        Exception? mine = null;
        try
        {
            _work(0);
        }
        catch (Exception ex)
        {
            mine = ex;
        }
        _done.Wait();
        var first = mine;
        for (int i = 1; i < count; i++)
        {
            first ??= _errors[i];
            _errors[i] = null;
        }
        if (first is not null)
            ExceptionDispatchInfo.Throw(first);
    }

    private void WorkerLoop(int index)
    {
        while (true)
        {
            _start[index].Wait();
            if (_disposed)
                return;
            try
            {
                _work(index);
            }
            catch (Exception ex)
            {
                _errors[index] = ex;
            }
            finally
            {
                _done.Signal();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        for (int i = 1; i < _threads.Length; i++)
        {
            _start[i].Release();
            _threads[i].Join();
            _start[i].Dispose();
        }
        _done.Dispose();
    }
}
