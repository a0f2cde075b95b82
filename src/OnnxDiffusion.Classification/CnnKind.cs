using Microsoft.ML;
using Microsoft.ML.Data;

namespace OnnxDiffusion.Classification;

/// <summary>
/// The paper's regime: a small convolutional network trained from scratch on the training images (<see cref="CnnOptions"/>),
/// on TorchSharp with libtorch's CPU build — the library ML.NET's own deep-learning trainers are built on. Its features are
/// the scaled pixels, seen as a C×H×W image, so grey and RGB images of any size work. Trainer seed = the options' seed;
/// the thread count (<see cref="ClassifierOptions.Threads"/>) is part of the configuration, because libtorch's sums depend
/// on how they are split. Only the CPU is used: TorchSharp's CUDA packages are not served by the registry this project
/// builds from, so nothing here asks for a GPU.
/// </summary>
internal sealed class CnnKind : ClassifierKind
{
    public override string Name => ClassifierKinds.Cnn;

    public override ClassifierRegime Regime => ClassifierRegime.DeepFromScratch;

    public override void Validate(ClassifierOptions options)
    {
        var o = options.Cnn;
        OptionChecks.Require(o.Epochs >= 1, $"cnn epochs = {o.Epochs} must be at least 1");
        OptionChecks.Require(o.Widths is { Count: >= 1 } && o.Widths.All(w => w >= 1), "cnn widths must list at least one channel count, each at least 1");
        OptionChecks.Require(o.Hidden >= 1, $"cnn hidden = {o.Hidden} must be at least 1");
        OptionChecks.Require(double.IsFinite(o.LearningRate) && o.LearningRate > 0, $"cnn learning_rate = {o.LearningRate} must be a positive number");
        OptionChecks.Require(o.Batch >= 1, $"cnn batch = {o.Batch} must be at least 1");
    }

    public override IEstimator<ITransformer> CreateTrainer(MLContext ml, ClassifierOptions options, ImageShape images)
    {
        // Each block halves the image; a side that reaches 0 leaves nothing for the dense layer.
        int halvings = options.Cnn.Widths.Count;
        if (images.Height >> halvings < 1 || images.Width >> halvings < 1)
            throw new ClassificationException(
                $"classifier option cnn widths: {halvings} conv blocks halve {images.Height}×{images.Width} images {halvings} times, leaving nothing; use at most {(int)Math.Log2(Math.Min(images.Height, images.Width))} blocks");
        return new CnnTrainer(ml, options, images);
    }
}

/// <summary>
/// ML.NET estimator of the cnn kind: reads <see cref="FeatureColumns.Features"/> (scaled pixels) and the key-typed
/// <see cref="FeatureColumns.Label"/>, trains the network, and returns a <see cref="CnnTransformer"/>.
/// </summary>
internal sealed class CnnTrainer(MLContext ml, ClassifierOptions options, ImageShape shape) : IEstimator<ITransformer>
{
    public ITransformer Fit(IDataView input)
    {
        var labelColumn = input.Schema[FeatureColumns.Label];
        int classes = labelColumn.Type is KeyDataViewType key
            ? checked((int)key.Count)
            : throw new ClassificationException($"cnn trainer: column {FeatureColumns.Label} must be a key type, found {labelColumn.Type}");
        // Training needs every image at once (each epoch visits them all in a new order).
        var images = new List<float>();
        var labels = new List<long>();
        foreach (var (batch, keys, count) in ScoredColumns.Batches(input, shape, 256, withLabels: true))
        {
            images.AddRange(batch.AsSpan(0, count * shape.Channels * shape.Height * shape.Width));
            for (int i = 0; i < count; i++)
                labels.Add(keys[i] - 1L);   // keys are 1-based, 0 = missing, which a validated training set cannot hold
        }
        var net = CnnNetwork.Train(images.ToArray(), labels.ToArray(), shape, classes, options.Cnn, options.Seed, options.Threads);
        return new CnnTransformer(net, shape, classes, options.Threads);
    }

    // ML.NET builds schema-shape columns only itself: the shape a stock multiclass trainer gives is the shape of the
    // columns this trainer's transformer appends (Score: vector of float, PredictedLabel: key of the label's type).
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(FeatureColumns.Label, FeatureColumns.Features).GetOutputSchema(inputSchema);
}

/// <summary>
/// The trained network as an ML.NET transformer: appends ML.NET's multiclass scorer columns — <c>Score</c> (class
/// probabilities, a vector of the class count) and <c>PredictedLabel</c> (the arg-max as a key of the label's type) —
/// so the usual evaluator and the other kinds' prediction path read it unchanged. Scores are computed when
/// <see cref="Transform"/> is called, in batches.
/// </summary>
internal sealed class CnnTransformer(CnnNetwork network, ImageShape shape, int classes, int threads) : ITransformer
{
    public bool IsRowToRowMapper => false;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => ScoredColumns.Append(inputSchema, classes);

    public IDataView Transform(IDataView input)
    {
        // Scored batch by batch as read: memory holds one batch of images and the rows' class probabilities.
        var probabilities = new List<float>();
        foreach (var (batch, _, count) in ScoredColumns.Batches(input, shape, CnnNetwork.ScoringBatch, withLabels: false))
            probabilities.AddRange(network.Probabilities(batch, count, shape, classes, threads));
        return ScoredColumns.View(input, probabilities.ToArray(), classes);
    }

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new NotSupportedException("the cnn transformer scores whole data views in batches, not single rows");

    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException("cnn models are not saved in ML.NET's model format (TorchSharp's module.save is their format)");
}
