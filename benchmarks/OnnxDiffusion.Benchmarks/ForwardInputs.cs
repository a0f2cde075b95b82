using Microsoft.ML.OnnxRuntime;
using OnnxDiffusion.Models;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// Host buffers and preallocated <see cref="OrtValue"/>s for one forward of <c>rows</c> images through a
/// model described by <c>model.json</c>: the same binding style as <see cref="OnnxDenoiser"/> uses, so a
/// bare <c>InferenceSession.Run</c> over these is the network's cost with nothing of the product around it.
/// </summary>
public sealed class ForwardInputs : IDisposable
{
    private readonly List<OrtValue> _values = [];

    /// <summary>Fills inputs with fixed pseudo-random values (images in [-1, 1], timesteps, labels incl. the null class).</summary>
    public ForwardInputs(ModelManifest manifest, int rows, int seed = 1)
    {
        Rows = rows;
        int s = manifest.SampleSize, c = manifest.Channels, h = manifest.ImageSize;
        var rng = new Random(seed);
        Sample = new float[rows * s];
        for (int i = 0; i < Sample.Length; i++)
            Sample[i] = (float)(rng.NextDouble() * 2 - 1);
        Output = new float[rows * s];
        var t = Timesteps = new long[rows];
        var y = Labels = new long[rows];
        int labels = Math.Max(1, manifest.NumClasses) + (manifest.NullClass is null ? 0 : 1);
        for (int i = 0; i < rows; i++)
        {
            t[i] = rng.Next(0, 1000);
            y[i] = rng.Next(0, labels);
        }
        var info = OrtMemoryInfo.DefaultInstance;
        var names = new List<string> { manifest.Inputs.Sample, manifest.Inputs.Timestep };
        _values.Add(OrtValue.CreateTensorValueFromMemory(info, new Memory<float>(Sample), [rows, c, h, h]));
        _values.Add(manifest.TimestepDtype == "float32"
            ? OrtValue.CreateTensorValueFromMemory(info, new Memory<float>(t.Select(v => (float)v).ToArray()), [rows])
            : OrtValue.CreateTensorValueFromMemory(info, new Memory<long>(t), [rows]));
        if (manifest.NumClasses > 0 && manifest.Inputs.ClassLabels is { } labelName)
        {
            names.Add(labelName);
            _values.Add(OrtValue.CreateTensorValueFromMemory(info, new Memory<long>(y), [rows]));
        }
        InputNames = names.ToArray();
        Inputs = _values.ToArray();
        OutputNames = [manifest.Output];
        Outputs = [OrtValue.CreateTensorValueFromMemory(info, new Memory<float>(Output), [rows, c, h, h])];
        _values.AddRange(Outputs);
    }

    /// <summary>Images per forward.</summary>
    public int Rows { get; }

    /// <summary>The image input (host memory the input tensor wraps).</summary>
    public float[] Sample { get; }

    /// <summary>The timesteps (random in 0 … 999).</summary>
    public long[] Timesteps { get; }

    /// <summary>The class labels (random, the null class included).</summary>
    public long[] Labels { get; }

    /// <summary>The output (host memory the output tensor wraps).</summary>
    public float[] Output { get; }

    /// <summary>Input names, in the order of <see cref="Inputs"/>.</summary>
    public string[] InputNames { get; }

    /// <summary>Input tensors over host memory.</summary>
    public OrtValue[] Inputs { get; }

    /// <summary>Output names.</summary>
    public string[] OutputNames { get; }

    /// <summary>Output tensors over host memory (ONNX Runtime writes into <see cref="Output"/>).</summary>
    public OrtValue[] Outputs { get; }

    /// <summary>One forward with preallocated input and output OrtValues (the product's style).</summary>
    public void Run(InferenceSession session, RunOptions runOptions) =>
        session.Run(runOptions, InputNames, Inputs, OutputNames, Outputs);

    /// <summary>An IOBinding with the same tensors bound; run it with <c>session.RunWithBinding</c>.</summary>
    public OrtIoBinding Bind(InferenceSession session)
    {
        var binding = session.CreateIoBinding();
        for (int i = 0; i < Inputs.Length; i++)
            binding.BindInput(InputNames[i], Inputs[i]);
        binding.BindOutput(OutputNames[0], Outputs[0]);
        return binding;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var v in _values)
            v.Dispose();
        _values.Clear();
    }
}
