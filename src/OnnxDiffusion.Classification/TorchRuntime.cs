using System.Runtime.InteropServices;
using TorchSharp;

namespace OnnxDiffusion.Classification;

/// <summary>
/// The process's one libtorch (TorchSharp, CPU build): prepared once before its first use, and the lock under which
/// the global state it shares between threads (the default random generator, the thread count) is touched.
/// </summary>
internal static partial class TorchRuntime
{
    private static readonly Lock Gate = new();
    private static bool _ready;

    /// <summary>
    /// Held while a trainer seeds libtorch's global generator and draws initial weights from it, or sets the thread
    /// count, so two trainers on two threads cannot interleave their draws.
    /// </summary>
    public static Lock Global => Gate;

    /// <summary>Prepares the native environment and loads libtorch; idempotent and thread-safe.</summary>
    /// <exception cref="ClassificationException">libtorch cannot be loaded (named with the loader's reason).</exception>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_ready)
                return;
            if (OperatingSystem.IsLinux())
            {
                // libgomp reads OMP_WAIT_POLICY when libtorch loads, through the C library's environment, which .NET's
                // Environment.SetEnvironmentVariable does not write on Linux. Spinning workers made 2 threads 5× slower
                // than 1 on a busy 2-core machine; passive waiting costs nothing when the cores are free. A user's own
                // setting wins (overwrite = 0).
                _ = setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
                // libtorch allocates and frees a few MiB per batch; above glibc's initial 128 KiB mmap threshold every
                // such buffer is a fresh mapping that page-faults on first touch (it halved training speed). Serving them
                // from the heap removes that cost; the heap is trimmed once 64 MiB lie free at its top.
                _ = mallopt(MMapThreshold, 32 << 20);
                _ = mallopt(TrimThreshold, 64 << 20);
            }
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or NotSupportedException or InvalidOperationException)
            {
                var inner = ex;
                while (inner.InnerException is not null)
                    inner = inner.InnerException;
                throw new ClassificationException(
                    $"classifier kind cnn: libtorch (TorchSharp's native library) does not load: {inner.Message.ReplaceLineEndings(" ")} " +
                    "(the build marks libLibTorchSharp.so's GLIBCXX_3.4.32 requirement weak; see Directory.Build.targets)", ex);
            }
            _ready = true;
        }
    }

    private const int TrimThreshold = -1, MMapThreshold = -3;

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport("libc")]
    private static partial int mallopt(int param, int value);
}
