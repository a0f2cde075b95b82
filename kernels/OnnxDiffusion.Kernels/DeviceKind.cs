namespace OnnxDiffusion.Kernels;

/// <summary>Which accelerator to run the sampler kernels on.</summary>
public enum DeviceKind
{
    /// <summary>CUDA when a device is present and usable, otherwise the CPU accelerator.</summary>
    Auto,

    /// <summary>ILGPU's CPU accelerator.</summary>
    Cpu,

    /// <summary>ILGPU's CUDA accelerator; an error when none can be created.</summary>
    Cuda,
}

/// <summary>Parsing of the <c>--device auto|cpu|cuda</c> value.</summary>
public static class DeviceKindParser
{
    /// <summary>Parses a device name, case-insensitively.</summary>
    /// <exception cref="ArgumentException">The name is none of auto, cpu, cuda.</exception>
    public static DeviceKind Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "auto" => DeviceKind.Auto,
        "cpu" => DeviceKind.Cpu,
        "cuda" or "gpu" => DeviceKind.Cuda,
        _ => throw new ArgumentException($"device '{value}': expected auto, cpu or cuda"),
    };
}
