using ILGPU;
using ILGPU.Runtime;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Sampling;

namespace OnnxDiffusion.Models;

/// <summary>
/// Classifier-free guidance as the denoiser does it: each call's batch goes through the network doubled (the feeds
/// write the samples' null-condition counterparts into the second half), and the guidance kernel combines the two halves
/// in place. This object owns the output's float32 memory: on ILGPU's CPU accelerator it is the kernel's own buffer,
/// so ONNX Runtime writes where the combine reads; on a GPU the halves are copied over and the result back.
/// </summary>
internal sealed class GuidanceBatch : IDisposable
{
    private readonly DiffusionKernels? _kernels;
    private readonly double _scale;
    private MemoryBuffer1D<float, Stride1D.Dense>? _buffer;
    private float[] _out = [];
    private bool _outOnKernelBuffer;

    /// <summary>Guidance at <paramref name="scale"/> through <paramref name="kernels"/>, or none when <paramref name="kernels"/> is null.</summary>
    public GuidanceBatch(double scale, DiffusionKernels? kernels)
    {
        _scale = scale;
        _kernels = kernels;
    }

    /// <summary>The guidance scale w.</summary>
    public double Scale => _scale;

    /// <summary>Whether each call runs its batch twice (conditional, then null).</summary>
    public bool On => _kernels is not null;

    /// <summary>Checks that <paramref name="condition"/> can be paired with a null counterpart when guidance is on.</summary>
    /// <exception cref="OnnxDiffusionException">It cannot.</exception>
    public void Check(Conditioning condition)
    {
        if (On && !condition.HasNull)
            throw new OnnxDiffusionException($"guidance scale {_scale}: the condition has no null class to pair each sample with");
    }

    /// <summary>New float32 output memory of <paramref name="elements"/> values (the old one is released).</summary>
    public Memory<float> Allocate(int elements)
    {
        if (_kernels is not null)
        {
            _buffer?.Dispose();
            _buffer = _kernels.Device.Accelerator.Allocate1D<float>(elements);
        }
        var kernelView = _buffer is null || _kernels is null ? null : _kernels.Device.HostView(_buffer);
        _outOnKernelBuffer = kernelView is not null;
        _out = _outOnKernelBuffer ? [] : new float[elements];
        return kernelView ?? _out;
    }

    /// <summary>
    /// Combines the two halves of the output (<paramref name="batch"/> samples of <paramref name="sampleSize"/> each)
    /// into its first half: u + w (c − u).
    /// </summary>
    public void Combine(int batch, int sampleSize)
    {
        if (_kernels is null)
            return;
        int rows = 2 * batch;
        var view = _buffer!.View.SubView(0, rows * sampleSize);
        if (!_outOnKernelBuffer)
            view.CopyFromCPU(ref _out[0], rows * sampleSize);
        _kernels.CombineGuidance(view, (float)_scale);
        _kernels.Synchronize();
        if (!_outOnKernelBuffer)
            view.SubView(0, batch * sampleSize).CopyToCPU(ref _out[0], batch * sampleSize);
    }

    /// <inheritdoc />
    public void Dispose() => _buffer?.Dispose();
}
