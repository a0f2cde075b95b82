using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;

namespace OnnxDiffusion.Classification;

/// <summary>The classifier kinds, selected by name in <see cref="ClassifierOptions.Kind"/>.</summary>
public static class ClassifierKinds
{
    /// <summary>L-BFGS maximum entropy (multinomial logistic regression) on the pixel vector.</summary>
    public const string MaxEnt = "maxent";

    /// <summary>LightGBM multiclass gradient-boosted trees on the pixel vector.</summary>
    public const string LightGbm = "lightgbm";

    /// <summary>Transfer learning: frozen ImageNet ResNet18 features (512-d) into a trained head (maximum entropy by default).</summary>
    public const string ResNet18 = "resnet18";

    /// <summary>A small convolutional network trained from scratch on the images (TorchSharp, CPU).</summary>
    public const string Cnn = "cnn";

    private static readonly ClassifierKind[] Kinds = [new MaxEntKind(), new LightGbmKind(), new ResNet18Kind(), new CnnKind()];

    /// <summary>Every valid kind name.</summary>
    public static IReadOnlyList<string> Names { get; } = Kinds.Select(k => k.Name).ToArray();

    /// <summary>
    /// The regime of the kind named <paramref name="name"/> (case-insensitive), or null when no kind of this version has
    /// that name, e.g. a name read from the results of another version.
    /// </summary>
    /// <param name="name">A kind name as <see cref="ClassifierOptions.Kind"/> takes it.</param>
    /// <returns>The kind's regime, or null.</returns>
    public static ClassifierRegime? RegimeOf(string? name) => Find(name)?.Regime;

    /// <summary>Checks options as a training run would, before any data is read: the thread count, the pixel range and the chosen kind's own section.</summary>
    /// <exception cref="ClassificationException">Unknown kind or an invalid value, named in one line.</exception>
    public static void Check(ClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionChecks.Require(options.Threads >= 1, $"threads = {options.Threads} must be at least 1");
        _ = PixelScaling.For(options.PixelRange);
        Get(options.Kind).Validate(options);
    }

    /// <summary>The kind of a name (case-insensitive).</summary>
    /// <exception cref="ClassificationException">No kind has that name.</exception>
    internal static ClassifierKind Get(string? name) =>
        Find(name) ?? throw new ClassificationException($"unknown classifier kind '{name}' (valid: {string.Join(", ", Names)})");

    private static ClassifierKind? Find(string? name)
    {
        string key = (name ?? "").Trim();
        return Kinds.FirstOrDefault(k => string.Equals(k.Name, key, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>
/// One kind of classifier: where its feature vectors come from (the pixels, unless it says otherwise) and the ML.NET
/// trainer that maps a feature vector and a key label to a model.
/// </summary>
internal abstract class ClassifierKind
{
    public abstract string Name { get; }

    /// <summary>How the kind learns from images; abstract so that a new kind has to say.</summary>
    public abstract ClassifierRegime Regime { get; }

    /// <summary>How images become feature vectors.</summary>
    public virtual FeatureSource Features => PixelFeatures.Instance;

    /// <summary>Checks the kind's own options; throws naming the option.</summary>
    public virtual void Validate(ClassifierOptions options)
    {
    }

    /// <summary>A trainer reading <see cref="FeatureColumns.Features"/> and <see cref="FeatureColumns.Label"/> (key type).</summary>
    /// <param name="ml">The run's ML.NET context.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="images">The training images' shape, for kinds that see the features as an image rather than a vector.</param>
    public abstract IEstimator<ITransformer> CreateTrainer(MLContext ml, ClassifierOptions options, ImageShape images);
}

internal sealed class MaxEntKind : ClassifierKind
{
    public override string Name => ClassifierKinds.MaxEnt;

    public override ClassifierRegime Regime => ClassifierRegime.PixelModel;

    public override IEstimator<ITransformer> CreateTrainer(MLContext ml, ClassifierOptions options, ImageShape images) => Trainer(ml, options);

    public override void Validate(ClassifierOptions options) => Check(options.MaxEnt);

    internal static void Check(MaxEntOptions o)
    {
        OptionChecks.Require(o.L2Regularization >= 0 && o.L1Regularization >= 0, "maxent l1/l2 must not be negative");
        OptionChecks.Require(o.MaximumIterations >= 1, $"maxent max_iterations = {o.MaximumIterations} must be at least 1");
        OptionChecks.Require(o.OptimizationTolerance > 0, "maxent tolerance must be positive");
        OptionChecks.Require(o.HistorySize >= 1, "maxent history must be at least 1");
    }

    internal static IEstimator<ITransformer> Trainer(MLContext ml, ClassifierOptions options)
    {
        var o = options.MaxEnt;
        return ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = FeatureColumns.Label,
            FeatureColumnName = FeatureColumns.Features,
            L2Regularization = o.L2Regularization,
            L1Regularization = o.L1Regularization,
            MaximumNumberOfIterations = o.MaximumIterations,
            OptimizationTolerance = o.OptimizationTolerance,
            HistorySize = o.HistorySize,
            NumberOfThreads = options.Threads,
        });
    }
}

internal sealed class LightGbmKind : ClassifierKind
{
    public override string Name => ClassifierKinds.LightGbm;

    public override ClassifierRegime Regime => ClassifierRegime.PixelModel;

    public override IEstimator<ITransformer> CreateTrainer(MLContext ml, ClassifierOptions options, ImageShape images) => Trainer(ml, options);

    public override void Validate(ClassifierOptions options) => Check(options.LightGbm);

    internal static void Check(LightGbmOptions o)
    {
        OptionChecks.Require(o.NumberOfIterations >= 1, $"lightgbm iterations = {o.NumberOfIterations} must be at least 1");
        OptionChecks.Require(o.NumberOfLeaves >= 2, $"lightgbm leaves = {o.NumberOfLeaves} must be at least 2");
        OptionChecks.Require(o.LearningRate > 0, "lightgbm learning_rate must be positive");
        OptionChecks.Require(o.MinimumExampleCountPerLeaf >= 1, "lightgbm min_leaf must be at least 1");
        OptionChecks.Require(o.MaximumBinCountPerFeature >= 2, "lightgbm max_bins must be at least 2");
    }

    internal static IEstimator<ITransformer> Trainer(MLContext ml, ClassifierOptions options)
    {
        var o = options.LightGbm;
        return ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
        {
            LabelColumnName = FeatureColumns.Label,
            FeatureColumnName = FeatureColumns.Features,
            NumberOfIterations = o.NumberOfIterations,
            NumberOfLeaves = o.NumberOfLeaves,
            LearningRate = o.LearningRate,
            MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf,
            MaximumBinCountPerFeature = o.MaximumBinCountPerFeature,
            NumberOfThreads = options.Threads,
            // LightGBM's own seed; ML.NET would otherwise draw one from the context, which is also seeded,
            // but naming it keeps the model independent of what else used the context first.
            Seed = options.Seed,
            Silent = true,
        });
    }
}

/// <summary>Channels, height and width of the images a classifier is trained on.</summary>
internal readonly record struct ImageShape(int Channels, int Height, int Width)
{
    public static ImageShape Of(ImageSet set) => new(set.Channels, set.Height, set.Width);
}

/// <summary>Option checks shared by the kinds.</summary>
internal static class OptionChecks
{
    public static void Require(bool ok, string what)
    {
        if (!ok)
            throw new ClassificationException($"classifier option {what}");
    }
}
