# A small stand-in for the Workato connector runtime, enough to run connector.rb against a real Bridge.
# It implements only what the connector calls; anything else fails loudly, so the connector cannot come to rely on
# something this harness would fake. Ruby standard library only.
require 'base64'
require 'erb'
require 'json'
require 'net/http'
require 'openssl'
require 'socket'
require 'uri'

# The ActiveSupport and Workato string helpers the connector uses.
class Object
  def blank? = respond_to?(:empty?) ? empty? : !self

  def present? = !blank?

  def presence = present? ? self : nil
end

class String
  def blank? = strip.empty?

  def encode_url = ERB::Util.url_encode(self)

  def decode_base64 = Base64.decode64(self)

  def encode_base64 = Base64.strict_encode64(self)

  def hmac_sha256(key) = OpenSSL::HMAC.digest('SHA256', key, self)
end

class Array
  def self.wrap(value) = value.nil? ? [] : (value.is_a?(Array) ? value : [value])
end

module WorkatoHarness
  # What the connector raises through error(...), and what a failed request raises without a handler.
  class ConnectorError < StandardError; end

  # A lazy HTTP request, as get/post/put/delete return it: configured by chaining, sent when its result is needed.
  class Request
    def initialize(runtime, method, path, payload = nil)
      @runtime = runtime
      @method = method
      @path = path
      @payload = payload
      @headers = {}
      @handlers = []
      @sent = false
    end

    def headers(values)
      @headers.merge!(values.transform_keys(&:to_s))
      self
    end

    def payload(value = nil, **named)
      @payload = value.nil? ? named : value
      self
    end

    def request_format_json = self

    def after_error_response(pattern, &handler)
      @handlers << [pattern, handler]
      self
    end

    def [](key) = response&.[](key)

    def response
      return @response if @sent

      @sent = true
      @response = @runtime.send_request(@method, @path, @payload, @headers, @handlers)
    end

    def method_missing(name, *_args)
      raise NoMethodError, "the harness's request does not implement '#{name}' (add it only if Workato's SDK has it)"
    end

    def respond_to_missing?(*) = false
  end

  # JSON helpers reachable as workato.parse_json.
  class WorkatoObject
    def parse_json(text) = JSON.parse(text)

    def method_missing(name, *_args) = raise(NoMethodError, "the harness does not implement workato.#{name}")

    def respond_to_missing?(*) = false
  end

  # Lets input_fields/output_fields lambdas read object_definitions['name'] for the current config fields.
  class ObjectDefinitions
    def initialize(runtime, config_fields)
      @runtime = runtime
      @config_fields = config_fields
    end

    def [](name) = @runtime.object_definition(name, @config_fields)
  end

  # Runs the connector's lambdas the way the Workato runtime does, with the DSL methods as its self.
  class Runtime
    attr_reader :connector, :connection

    def self.load(path, connection)
      new(eval(File.read(path), TOPLEVEL_BINDING.dup, path), connection) # rubocop:disable Security/Eval
    end

    def initialize(connector, connection)
      @connector = connector
      @connection = connection
    end

    # --- the DSL, as the connector's lambdas see it ---
    def get(path, params = nil) = Request.new(self, :get, with_query(path, params))

    def post(path, payload = nil) = Request.new(self, :post, path, payload)

    def put(path, payload = nil) = Request.new(self, :put, path, payload)

    def delete(path) = Request.new(self, :delete, path)

    def error(message) = raise(ConnectorError, message)

    def workato = WorkatoObject.new

    def call(name, *args)
      method = @connector.dig(:methods, name.to_sym) or raise NoMethodError, "connector method '#{name}' is not defined"
      resolve(instance_exec(*args, &method))
    end

    # Used by authorization.apply: collects the headers every request carries.
    def headers(values)
      @auth_headers.merge!(values.transform_keys(&:to_s))
    end

    def method_missing(name, *_args)
      raise NoMethodError, "the harness does not implement '#{name}' (add it only if Workato's SDK has it)"
    end

    def respond_to_missing?(*) = false

    # --- what Workato does around the lambdas ---
    def run(lambda_, *args) = resolve(instance_exec(*args, &lambda_))

    def test_connection = run(@connector[:test], @connection)

    def pick_list(name) = run(@connector.dig(:pick_lists, name.to_sym), @connection)

    def object_definition(name, config_fields)
      definition = @connector.dig(:object_definitions, name.to_sym) or raise KeyError, "no object definition '#{name}'"
      run(definition[:fields], @connection, config_fields)
    end

    def input_fields(action, config_fields)
      run(@connector.dig(:actions, action, :input_fields), ObjectDefinitions.new(self, config_fields))
    end

    def execute(action, input) = run(@connector.dig(:actions, action, :execute), @connection, input)

    def trigger(name) = @connector.dig(:triggers, name)

    def send_request(method, path, payload, headers, handlers)
      @auth_headers = {}
      instance_exec(@connection, &@connector.dig(:connection, :authorization, :apply))
      uri = URI.join(instance_exec(@connection, &@connector.dig(:connection, :base_uri)), path)
      request = Net::HTTP.const_get(method.to_s.capitalize).new(uri)
      @auth_headers.merge(headers).each { |name, value| request[name] = value.to_s }
      unless payload.nil?
        request['Content-Type'] = 'application/json'
        request.body = JSON.generate(payload)
      end
      response = Net::HTTP.start(uri.host, uri.port, use_ssl: uri.scheme == 'https') { |http| http.request(request) }
      body = response.body.to_s
      return (body.empty? ? {} : JSON.parse(body)) if response.code.to_i.between?(200, 299)

      handler = handlers.find { |pattern, _| pattern.match?(response.code) }
      raise ConnectorError, "HTTP #{response.code} from #{method.upcase} #{path}: #{body}" unless handler

      resolve(instance_exec(response.code.to_i, body, response.to_hash, response.message, &handler[1]))
    end

    private

    def resolve(value) = value.is_a?(Request) ? value.response : value

    def with_query(path, params) = params.nil? ? path : "#{path}?#{URI.encode_www_form(params)}"
  end

  # A webhook receiver on loopback, standing in for Workato's webhook gateway: it keeps each request's raw body and headers.
  class WebhookServer
    attr_reader :url

    def initialize
      @server = TCPServer.new('127.0.0.1', 0)
      @url = "http://127.0.0.1:#{@server.addr[1]}/hook"
      @received = Queue.new
      @thread = Thread.new { loop { serve(@server.accept) } }
    end

    # The next delivery as [headers, raw body], or nil when none arrives in time.
    def next_delivery(timeout)
      deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout
      loop do
        return @received.pop(true) unless @received.empty?
        return nil if Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline

        sleep 0.05
      end
    end

    def close
      @thread.kill
      @server.close
    end

    private

    def serve(socket)
      socket.gets # request line
      headers = {}
      while (line = socket.gets) && line != "\r\n"
        name, value = line.split(':', 2)
        headers[name.strip.downcase] = value.to_s.strip
      end
      body = socket.read(headers.fetch('content-length', '0').to_i).to_s
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
      @received << [headers, body.force_encoding('UTF-8')]
    rescue StandardError => e
      warn "webhook server: #{e.message}"
    ensure
      socket.close
    end
  end
end
