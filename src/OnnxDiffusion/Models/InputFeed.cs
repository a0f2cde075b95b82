using Microsoft.ML.OnnxRuntime;
using OnnxDiffusion.Sampling;

namespace OnnxDiffusion.Models;

/// <summary>
/// One input of the U-Net: its role, the graph's name and element type for it, and the host memory it is fed from.
/// The feeds a model takes are chosen once, at load (<see cref="For"/>); checking a call, filling the rows, binding
/// tensors and checking the session then go through that list without asking which roles it holds, so a new kind of
/// input is one more feed.
/// </summary>
internal abstract class InputFeed
{
    /// <summary>A feed for the input <paramref name="name"/> in <paramref name="role"/>, of element type <paramref name="dtype"/>.</summary>
    protected InputFeed(string role, string name, string dtype)
    {
        Role = role;
        Name = name;
        Dtype = dtype;
    }

    /// <summary>The role as messages name it: sample, timestep, class_labels, encoder_hidden_states.</summary>
    public string Role { get; }

    /// <summary>The graph's input name.</summary>
    public string Name { get; }

    /// <summary>The element type the description gives it (model.json's spelling).</summary>
    public string Dtype { get; }

    /// <summary>The kind of condition this input carries (<see cref="ConditioningKind.None"/> for the sample and timestep).</summary>
    public virtual ConditioningKind Condition => ConditioningKind.None;

    /// <summary>Checks the declared input beyond its name and dtype (rank, fixed dimensions).</summary>
    /// <exception cref="OnnxDiffusionException">The graph disagrees with the description, naming both.</exception>
    public virtual void CheckGraph(TensorSignature input, string manifestPath, string onnxPath)
    {
    }

    /// <summary>Checks that a call carries what this input needs, before anything is written.</summary>
    /// <exception cref="OnnxDiffusionException">The call does not fit the model, in one line.</exception>
    public virtual void Check(in FeedRequest request)
    {
    }

    /// <summary>Makes room for <paramref name="rows"/> rows (bindings over the old memory must be disposed first).</summary>
    public abstract void Allocate(int rows);

    /// <summary>Writes the call's rows: the samples', then (when doubled) their unconditional counterparts'.</summary>
    public abstract void Fill(in FeedRequest request);

    /// <summary>Before a run over rows [first, first + rows): converts them to the graph's element type where it differs.</summary>
    public abstract void ToGraph(int first, int rows);

    /// <summary>The tensor a run over rows [first, first + rows) reads.</summary>
    public abstract OrtValue Tensor(int first, int rows);

    /// <summary>
    /// A condition for one batch-1 forward at load that would fail inside ONNX Runtime if the description overstated
    /// what the network takes, or null when this input needs no such probe.
    /// </summary>
    public virtual LoadProbe? Probe(bool guided) => null;

    /// <summary>The feeds of <paramref name="manifest"/>'s model, in the order the description lists its inputs.</summary>
    public static InputFeed[] For(ModelManifest manifest, string onnxPath)
    {
        var feeds = new List<InputFeed> { new SampleFeed(manifest), new TimestepFeed(manifest, onnxPath) };
        if (manifest.IsConditional)
            feeds.Add(new ClassLabelFeed(manifest, onnxPath));
        if (manifest.Text is { } text)
            feeds.Add(new EmbeddingFeed(text, onnxPath));
        return feeds.ToArray();
    }
}

/// <summary>
/// One prediction call as the feeds see it: rows [0, Batch) are the samples; when <paramref name="Doubled"/> (classifier-free
/// guidance), rows [Batch, 2·Batch) are the same samples again with the null condition.
/// </summary>
/// <param name="Sample">The samples, contiguous.</param>
/// <param name="Timesteps">One timestep per sample.</param>
/// <param name="Condition">The samples' condition.</param>
/// <param name="Doubled">Whether the unconditional half follows.</param>
internal readonly record struct FeedRequest(ReadOnlyMemory<float> Sample, ReadOnlyMemory<long> Timesteps, Conditioning Condition, bool Doubled)
{
    /// <summary>Samples in the call.</summary>
    public int Batch => Timesteps.Length;

    /// <summary>Rows through the network: the batch, twice when doubled.</summary>
    public int Rows => Doubled ? 2 * Batch : Batch;
}

/// <summary>A load-time probe: the condition to run, and the description's keys and values it tries, for the message.</summary>
/// <param name="Condition">A batch-1 condition.</param>
/// <param name="Keys">The description's keys behind it, e.g. "num_classes = 10, null_class = 10".</param>
/// <param name="Tried">What the network must take, e.g. "label 9 or the null class 10".</param>
internal sealed record LoadProbe(Conditioning Condition, string Keys, string Tried);
