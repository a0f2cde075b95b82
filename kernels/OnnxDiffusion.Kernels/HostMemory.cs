using System.Buffers;
using ILGPU;
using ILGPU.Runtime;

namespace OnnxDiffusion.Kernels;

/// <summary>
/// <see cref="Memory{T}"/> over the storage of a buffer on ILGPU's CPU accelerator. That storage is ordinary,
/// unmovable host memory, so host code (spans, ONNX Runtime tensors) can read and write it in place instead of
/// copying in and out around every kernel launch.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public sealed unsafe class HostMemory<T> : MemoryManager<T> where T : unmanaged
{
    private readonly IntPtr _pointer;
    private readonly int _length;

    private HostMemory(IntPtr pointer, int length)
    {
        _pointer = pointer;
        _length = length;
    }

    /// <summary>
    /// The host view of <paramref name="buffer"/> when it lives on the CPU accelerator; null on a GPU, whose
    /// memory the host cannot address. The view is valid while the buffer is.
    /// </summary>
    public static Memory<T>? Of(MemoryBuffer1D<T, Stride1D.Dense> buffer)
    {
        if (buffer.AcceleratorType != AcceleratorType.CPU)
            return null;
        if (buffer.Length > int.MaxValue)
            throw new ArgumentException($"a buffer of {buffer.Length} elements: a host view holds at most {int.MaxValue}", nameof(buffer));
        return new HostMemory<T>(buffer.NativePtr, (int)buffer.Length).Memory;
    }

    /// <inheritdoc />
    public override Span<T> GetSpan() => new((void*)_pointer, _length);

    /// <inheritdoc />
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        if ((uint)elementIndex > (uint)_length)
            throw new ArgumentOutOfRangeException(nameof(elementIndex));
        // Native memory never moves: pinning is only handing out the address.
        return new MemoryHandle((T*)_pointer + elementIndex);
    }

    /// <inheritdoc />
    public override void Unpin()
    {
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
    }
}
