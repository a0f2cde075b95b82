using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using OnnxDiffusion.Sampling;

namespace OnnxDiffusion.Models;

/// <summary>Class labels [B], int64 or int32; the unconditional half takes the null class.</summary>
internal sealed class ClassLabelFeed : InputFeed
{
    private readonly HostTensor<long> _tensor;
    private readonly int _numClasses;
    private readonly int? _nullClass;
    private readonly string _onnxPath;

    /// <summary>The class-label input of <paramref name="manifest"/>'s model at <paramref name="onnxPath"/>.</summary>
    public ClassLabelFeed(ModelManifest manifest, string onnxPath) : base("class_labels", manifest.Inputs.ClassLabels!, manifest.ClassLabelsDtype)
    {
        _tensor = HostTensors.Integers(Role, Dtype);
        _numClasses = manifest.NumClasses;
        _nullClass = manifest.NullClass;
        _onnxPath = onnxPath;
    }

    /// <inheritdoc />
    public override ConditioningKind Condition => ConditioningKind.ClassLabel;

    /// <inheritdoc />
    public override void Check(in FeedRequest request)
    {
        var condition = request.Condition;
        if (condition.Kind != ConditioningKind.ClassLabel || condition.Labels.Length != request.Batch)
            throw new OnnxDiffusionException(
                $"model {_onnxPath} is class-conditional: expected {request.Batch} class labels, got {(condition.Kind == ConditioningKind.ClassLabel ? condition.Labels.Length.ToString(CultureInfo.InvariantCulture) : "a " + condition.Kind.ToString().ToLowerInvariant() + " condition")}");
    }

    /// <inheritdoc />
    public override void Allocate(int rows) => _tensor.Allocate(rows);

    /// <inheritdoc />
    public override void Fill(in FeedRequest request)
    {
        var labels = request.Condition.Labels.Span;
        var y = _tensor.Values.Span;
        int b = request.Batch;
        for (int i = 0; i < b; i++)
        {
            long label = labels[i];
            // A label beyond the class embedding would fail inside ONNX Runtime as a Gather error naming no label.
            if (label < 0 || label >= _numClasses && label != _nullClass)
                throw new OnnxDiffusionException(
                    $"class label {label} of sample {i} is out of range for {_onnxPath}: expected 0 … {_numClasses - 1}" +
                    (_nullClass is int n ? $" or the null class {n}" : ""));
            y[i] = label;
            if (request.Doubled)
                y[b + i] = request.Condition.NullClass!.Value;
        }
    }

    /// <inheritdoc />
    public override void ToGraph(int first, int rows) => _tensor.ToGraph(first, rows);

    /// <inheritdoc />
    public override OrtValue Tensor(int first, int rows) => _tensor.Tensor(first, rows, [rows]);

    /// <inheritdoc />
    // A label beyond the network's class embedding fails inside ONNX Runtime as a Gather error, in the middle of a run.
    // One batch-1 forward with the highest label (and, when guided, the null class) finds that at load instead.
    public override LoadProbe Probe(bool guided) => new(
        Conditioning.Classes(new long[] { _numClasses - 1 }, _nullClass),
        $"num_classes = {_numClasses}" + (guided ? $", null_class = {_nullClass}" : ""),
        guided ? $"label {_numClasses - 1} or the null class {_nullClass}" : $"label {_numClasses - 1}");
}
