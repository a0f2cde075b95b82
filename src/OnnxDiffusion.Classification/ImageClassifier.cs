using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace OnnxDiffusion.Classification;

/// <summary>
/// A classifier trained on the union of one or more labelled image sets (for instance real + synthetic), and its
/// evaluation on a test set. Training is deterministic for given options, data order and thread count.
/// One instance predicts on one thread at a time (it shares its ML.NET context between calls).
/// </summary>
public sealed class ImageClassifier
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly PixelScaling _scaling;

    private ImageClassifier(MLContext ml, ITransformer model, ClassifierOptions options, ImageSet reference,
        IReadOnlyList<string> trainingSets, IReadOnlyList<int> perClass, TimeSpan trainingTime)
    {
        _ml = ml;
        _model = model;
        _scaling = PixelScaling.For(options.PixelRange);
        Options = options;
        ClassNames = reference.ClassNames.ToArray();
        Channels = reference.Channels;
        Height = reference.Height;
        Width = reference.Width;
        TrainingSets = trainingSets;
        TrainingCountPerClass = perClass;
        TrainingTime = trainingTime;
    }

    /// <summary>The options it was trained with (kind normalised to its canonical name).</summary>
    public ClassifierOptions Options { get; }

    /// <summary>Classifier kind.</summary>
    public string Kind => Options.Kind;

    /// <summary>Class names in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Channels of the images it takes.</summary>
    public int Channels { get; }

    /// <summary>Height of the images it takes.</summary>
    public int Height { get; }

    /// <summary>Width of the images it takes.</summary>
    public int Width { get; }

    /// <summary>Names of the training sets.</summary>
    public IReadOnlyList<string> TrainingSets { get; }

    /// <summary>Training images per class, in label order.</summary>
    public IReadOnlyList<int> TrainingCountPerClass { get; }

    /// <summary>Training images in the union.</summary>
    public int TrainingCount => TrainingCountPerClass.Sum();

    /// <summary>Wall time of training, feature reading included.</summary>
    public TimeSpan TrainingTime { get; }

    /// <summary>Trains on one set.</summary>
    /// <exception cref="ClassificationException">See <see cref="Train(IReadOnlyList{ImageSet}, ClassifierOptions?)"/>.</exception>
    public static ImageClassifier Train(ImageSet trainingSet, ClassifierOptions? options = null) => Train([trainingSet], options);

    /// <summary>Trains on the union of <paramref name="trainingSets"/>, read in the order given.</summary>
    /// <exception cref="ClassificationException">Unknown kind or invalid option; no set, an empty set, sets of
    /// different image sizes or class lists; a class without training images in the union.</exception>
    public static ImageClassifier Train(IReadOnlyList<ImageSet> trainingSets, ClassifierOptions? options = null)
    {
        options ??= new ClassifierOptions();
        var kind = ClassifierKinds.Get(options.Kind);
        options = options with { Kind = kind.Name };
        ClassifierKinds.Check(options);
        var (reference, perClass) = TrainingSetValidation.CheckUnion(trainingSets);

        var clock = Stopwatch.StartNew();
        var ml = new MLContext(options.Seed);
        var scaling = PixelScaling.For(options.PixelRange);
        var rows = trainingSets.SelectMany(s => kind.Features.Read(s, ml, scaling));
        var schema = FeatureRow.Schema(kind.Features.Length(reference), reference.ClassNames.Count);
        // Cached: both trainers pass over the data many times, and reading a folder set decodes images.
        var data = ml.Data.Cache(ml.Data.LoadFromEnumerable(rows, schema));
        var model = kind.CreateTrainer(ml, options, ImageShape.Of(reference)).Fit(data);
        clock.Stop();
        return new ImageClassifier(ml, model, options, reference, trainingSets.Select(s => s.Name).ToArray(), perClass, clock.Elapsed);
    }

    /// <summary>Predicted class index of every image of <paramref name="images"/>, in its order.</summary>
    /// <exception cref="ClassificationException">The images are not of the classifier's size.</exception>
    public int[] Predict(ImageSet images)
    {
        TrainingSetValidation.CheckShape(this, images, "image set");
        if (images.Count == 0)
            return [];
        var features = ClassifierKinds.Get(Kind).Features;
        var schema = FeatureRow.Schema(features.Length(images), images.ClassNames.Count);
        var data = _ml.Data.LoadFromEnumerable(features.Read(images, _ml, _scaling), schema);
        var keys = _model.Transform(data).GetColumn<uint>(FeatureColumns.PredictedLabel).ToArray();
        // Keys are 1-based; 0 (missing) cannot come out of a trained multiclass model.
        return keys.Select(k => (int)k - 1).ToArray();
    }

    /// <summary>Scores the classifier on <paramref name="testSet"/>.</summary>
    /// <exception cref="ClassificationException">Empty test set, or not of the classifier's image size or class list.</exception>
    public ClassifierEvaluation Evaluate(ImageSet testSet)
    {
        TrainingSetValidation.CheckTestSet(this, testSet);
        var predicted = Predict(testSet);
        return new ClassifierEvaluation
        {
            Classifier = Kind,
            Options = Options,
            TrainingSets = TrainingSets,
            TrainingCount = TrainingCount,
            TrainingCountPerClass = TrainingCountPerClass,
            TrainingSeconds = TrainingTime.TotalSeconds,
            TestSet = testSet.Name,
            Metrics = ClassificationMetrics.FromPredictions(ClassNames, testSet.Labels, predicted),
        };
    }
}
