using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Training;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Training;

[Collection(SerialTorchRng.Name)]
public sealed class DistillationTests
{
    static readonly ModelSpec Spec = new("smallcnn", 1, 8, 4);
    static readonly ImageDataset Train = SyntheticData.Quadrants(128, seed: 1, "quadrants/train");
    static readonly ImageDataset Test = SyntheticData.Quadrants(64, seed: 2, "quadrants/test");
    static readonly Normalization Norm = Train.ComputeNormalization();
    static readonly TrainerOptions Options = new() { Epochs = 2, BatchSize = 16, LearningRate = 0.02, Seed = 5 };

    static Network Trained(int seed)
    {
        var net = ModelZoo.Create(Spec, seed);
        Trainer.Train(net, Train, null, Norm, Options with { Epochs = 3 });
        return net;
    }

    /// <summary>The mean KL(teacher ‖ student) at τ = 1 over the test images.</summary>
    static double Divergence(Network teacher, Network student)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        teacher.eval();
        student.eval();
        using var batch = Test.Batches(Test.Count, Norm, CPU).First();
        var images = batch.Images;
        var logTeacher = nn.functional.log_softmax(teacher.call(images), 1);
        var logStudent = nn.functional.log_softmax(student.call(images), 1);
        return (logTeacher.exp() * (logTeacher - logStudent)).sum(dim: 1).mean().item<float>();
    }

    [Fact]
    public void WeightZeroIsPlainCrossEntropyBitForBit()
    {
        using var teacher = Trained(3);
        using var plain = ModelZoo.Create(Spec, 11);
        using var distilled = ModelZoo.Create(Spec, 11);
        Trainer.Train(plain, Train, null, Norm, Options);
        Trainer.Train(distilled, Train, null, Norm, Options with { Distillation = new Distillation(teacher, "teacher", Weight: 0) });
        TensorAssert.SameState(plain, distilled);
    }

    [Fact]
    public void DistillingPullsTheStudentTowardsTheTeacher()
    {
        // An untrained teacher: its outputs are unrelated to the labels, so only distillation can learn them.
        using var teacher = ModelZoo.Create(Spec, 3);
        using var plain = ModelZoo.Create(Spec, 11);
        using var distilled = ModelZoo.Create(Spec, 11);
        Trainer.Train(plain, Train, null, Norm, Options with { Epochs = 4 });
        Trainer.Train(distilled, Train, null, Norm, Options with { Epochs = 4, Distillation = new Distillation(teacher, "teacher", Weight: 1, Temperature: 2) });
        double apart = Divergence(teacher, plain), near = Divergence(teacher, distilled);
        Assert.True(near < 0.25 * apart, $"KL to the teacher: distilled {near}, plain cross-entropy {apart}");
    }

    [Fact]
    public void ATeacherForOtherClassesOrSettingsOutOfRangeAreRefused()
    {
        using var teacher = ModelZoo.Create(Spec with { Classes = 10 }, 3);
        using var student = ModelZoo.Create(Spec, 11);
        var e = Assert.Throws<RmpSnnException>(() => Trainer.Train(student, Train, null, Norm,
            Options with { Distillation = new Distillation(teacher, "ten.model") }));
        Assert.Equal("--teacher ten.model: takes 1×8×8 images into 10 classes, the student 1×8×8 into 4", e.Message);
        Assert.StartsWith("--distill-weight 1.5:", Assert.Throws<RmpSnnException>(() => Distillation.ValidateSettings(1.5, 4)).Message);
        Assert.StartsWith("--distill-temperature 0:", Assert.Throws<RmpSnnException>(() => Distillation.ValidateSettings(0.5, 0)).Message);
    }
}
