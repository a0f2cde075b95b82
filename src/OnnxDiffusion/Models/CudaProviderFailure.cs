using Microsoft.ML.OnnxRuntime;

namespace OnnxDiffusion.Models;

/// <summary>
/// Reads why ONNX Runtime's CUDA execution provider could not be appended. The two packages fail differently: the CPU
/// package has no CUDA entry point at all (<see cref="EntryPointNotFoundException"/>), the GPU package has it but cannot
/// load its CUDA 13 / cuDNN 9 libraries (<see cref="OnnxRuntimeException"/> "Failed to load shared library").
/// </summary>
public static class CudaProviderFailure
{
    /// <summary>True for the errors that mean "no usable CUDA provider here", as opposed to a bug or a bad model.</summary>
    public static bool IsProviderFailure(Exception ex) => ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException;

    /// <summary>What was found, for one line after "--device cuda: ".</summary>
    public static string Describe(Exception ex)
    {
        string message = ex.Message.ReplaceLineEndings(" ").Trim();
        // ONNX Runtime prefixes a source location; the useful part is what it failed to load.
        int load = message.IndexOf("Failed to load shared library", StringComparison.OrdinalIgnoreCase);
        string detail = Shorten(load >= 0 ? message[load..] : message);
        return ex switch
        {
            EntryPointNotFoundException =>
                "this build carries ONNX Runtime's CPU package, which has no CUDA provider (build with the GPU package to use CUDA)",
            DllNotFoundException => $"ONNX Runtime's native library is missing ({detail})",
            _ when load >= 0 =>
                $"ONNX Runtime's CUDA provider could not load its libraries; it needs the CUDA 13 runtime, cuBLAS and cuDNN 9 ({detail})",
            _ => $"ONNX Runtime's CUDA provider is not usable ({detail})",
        };
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;

    /// <summary>The one-line error for <c>--device cuda</c> when the provider failed with <paramref name="ex"/>.</summary>
    public static OnnxDiffusionException ForDeviceCuda(Exception ex) => new($"--device cuda: {Describe(ex)}", ex);
}
