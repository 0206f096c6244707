"""Chat: buyers and stores talk in conversations; the same use cases serve HTTP and Socket.IO."""
